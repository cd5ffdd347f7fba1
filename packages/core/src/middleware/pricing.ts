/**
 * Prices per million tokens, for the cost written with each metric point. Dated: check the providers'
 * pricing pages before relying on them, and override with `pricing` in the gateway options.
 * Sources (retrieved 2026-11): https://docs.claude.com/en/docs/about-claude/pricing,
 * https://platform.openai.com/docs/pricing, https://ai.google.dev/gemini-api/docs/pricing
 */
import type { Usage } from "../stream/usage.js";

export interface ModelPrice {
  input: number;
  output: number;
  /** Cache read; defaults to the input price. */
  cacheRead?: number;
  /** 5-minute cache write; defaults to the input price. */
  cacheWrite?: number;
  /** 1-hour cache write (Anthropic). */
  cacheWrite1h?: number;
}

/** Keys are model ids or prefixes; the longest matching prefix wins, so dated snapshots match their family. */
export type PricingTable = Record<string, ModelPrice>;

export const PRICING_DATE = "2026-11-01";

export const DEFAULT_PRICING: PricingTable = {
  "claude-opus-4": { input: 5, cacheWrite: 6.25, cacheWrite1h: 10, cacheRead: 0.5, output: 25 },
  "claude-sonnet-4": { input: 3, cacheWrite: 3.75, cacheWrite1h: 6, cacheRead: 0.3, output: 15 },
  "claude-haiku-4": { input: 1, cacheWrite: 1.25, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
  "gpt-4.1": { input: 2, cacheRead: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cacheRead: 0.1, output: 1.6 },
  "gpt-4o": { input: 2.5, cacheRead: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cacheRead: 0.075, output: 0.6 },
  "gpt-5": { input: 1.25, cacheRead: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cacheRead: 0.025, output: 2 },
  "gemini-2.5-pro": { input: 1.25, cacheRead: 0.125, output: 10 },
  "gemini-2.5-flash": { input: 0.3, cacheRead: 0.03, output: 2.5 },
};

export function priceFor(table: PricingTable, model: string): ModelPrice | undefined {
  let best: string | undefined;
  for (const prefix in table) {
    if (model.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best ? table[best] : undefined;
}

/** Cost in US dollars of one call's usage; 0 for a model the table does not price. */
export function costOf(table: PricingTable, model: string, usage: Usage): number {
  const price = priceFor(table, model);
  if (!price) return 0;
  const perToken =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheReadTokens * (price.cacheRead ?? price.input) +
    usage.cacheWriteTokens * (price.cacheWrite ?? price.input);
  return perToken / 1_000_000;
}
