/**
 * Prices per million tokens, for the cost written with each metric point and the usage endpoint. Dated:
 * check the providers' pricing pages before relying on them, and override with `pricing` in the options.
 * Sources (checked 2026-11-21): https://docs.claude.com/en/docs/about-claude/pricing (base input, 5-minute
 * write = 1.25×, 1-hour write = 2×, cache hit = 0.1×, output), https://platform.openai.com/docs/pricing
 * (input, cached input, output), https://ai.google.dev/gemini-api/docs/pricing (≤200k-token prompts; the
 * >200k tier of the Pro models and cache storage per hour are not modelled).
 */
import type { Usage } from "../stream/usage.js";

export interface ModelPrice {
  input: number;
  output: number;
  /** Cache read; defaults to the input price. */
  cacheRead?: number;
  /** 5-minute cache write; defaults to the input price. */
  cacheWrite?: number;
  /** 1-hour cache write (Anthropic); defaults to the 5-minute write price. */
  cacheWrite1h?: number;
}

/**
 * Keys are exact model ids. A dated snapshot of a priced id (`-20250929`, `-2025-04-14`, `-001`) or its
 * `-latest` alias takes that id's price; nothing else does, so `o3-pro` is never priced as `o3`.
 */
export type PricingTable = Record<string, ModelPrice>;

export const PRICING_DATE = "2026-11-21";

const claude = (input: number, output: number): ModelPrice => ({
  input,
  cacheWrite: input * 1.25,
  cacheWrite1h: input * 2,
  cacheRead: input / 10,
  output,
});

export const DEFAULT_PRICING: PricingTable = {
  // Opus 4 and 4.1 kept the old Opus price; Opus 4.5 and later are a third of it.
  "claude-opus-4": claude(15, 75),
  "claude-opus-4-0": claude(15, 75),
  "claude-opus-4-1": claude(15, 75),
  "claude-opus-4-5": claude(5, 25),
  "claude-opus-4-6": claude(5, 25),
  "claude-opus-4-7": claude(5, 25),
  "claude-sonnet-4": claude(3, 15),
  "claude-sonnet-4-0": claude(3, 15),
  "claude-sonnet-4-5": claude(3, 15),
  "claude-sonnet-4-6": claude(3, 15),
  "claude-3-7-sonnet": claude(3, 15),
  "claude-haiku-4-5": claude(1, 5),
  "claude-3-5-haiku": claude(0.8, 4),
  "claude-3-haiku": { input: 0.25, cacheWrite: 0.3, cacheWrite1h: 0.5, cacheRead: 0.03, output: 1.25 },
  "gpt-4.1": { input: 2, cacheRead: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cacheRead: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cacheRead: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cacheRead: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cacheRead: 0.075, output: 0.6 },
  "gpt-5": { input: 1.25, cacheRead: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cacheRead: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cacheRead: 0.005, output: 0.4 },
  o3: { input: 2, cacheRead: 0.5, output: 8 },
  "o4-mini": { input: 1.1, cacheRead: 0.275, output: 4.4 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "gemini-2.5-pro": { input: 1.25, cacheRead: 0.125, output: 10 },
  "gemini-2.5-flash": { input: 0.3, cacheRead: 0.03, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, cacheRead: 0.01, output: 0.4 },
};

/** Suffixes that name a snapshot of the same model: -YYYYMMDD, -YYYY-MM-DD, -NNN (Gemini), -latest. */
const SNAPSHOT = /-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{3}|latest)$/;

/** The price of an exact id, or of the id a dated snapshot belongs to; undefined when unpriced. */
export function priceFor(table: PricingTable, model: string): ModelPrice | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const base = model.replace(SNAPSHOT, "");
  return base !== model && Object.hasOwn(table, base) ? table[base] : undefined;
}

/**
 * Cost in US dollars of one call's usage; undefined for a model the table does not price (an unknown
 * cost, never a guess). Cache writes are split by TTL when the provider reports it
 * (`cacheWrite1hTokens`), the rest priced as 5-minute writes.
 */
export function costOf(table: PricingTable, model: string, usage: Usage): number | undefined {
  const price = priceFor(table, model);
  if (!price) return undefined;
  const write5m = price.cacheWrite ?? price.input;
  const hour = Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
  const perToken =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheReadTokens * (price.cacheRead ?? price.input) +
    (usage.cacheWriteTokens - hour) * write5m +
    hour * (price.cacheWrite1h ?? write5m);
  // Whole pico-dollars: float sums like 0.1 + 0.3 would otherwise print as 4.0000000000000003e-7 in every
  // metric line, usage row and OTLP export that shows the cost.
  return Math.round(perToken * 1_000_000) / 1_000_000_000_000;
}
