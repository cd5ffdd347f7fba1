// Deterministic reply text and token usage, so tests can assert exact values without a model.

/** The fixed reply; streamed as N deltas (header `x-fake-events`, default 5). */
export const REPLY_SENTENCE =
  "Sluice fake upstream says hello: this reply is deterministic, so every test can check it byte for byte.";

export const DEFAULT_EVENTS = 5;
/** Output tokens charged per content delta when `x-fake-usage` does not say otherwise. */
export const TOKENS_PER_EVENT = 3;
/** Text of one delta in `huge` mode (~1 KB), so a 100 MB stream is ~100k frames, not millions. */
export const HUGE_DELTA = `${REPLY_SENTENCE} `.repeat(10);

/** The full reply for `events` deltas; the sentence repeats when N exceeds its length. */
export function replyText(events: number = DEFAULT_EVENTS): string {
  const n = Math.max(1, events);
  const copies = Math.ceil(n / REPLY_SENTENCE.length);
  return Array.from({ length: copies }, () => REPLY_SENTENCE).join(" ");
}

/** `replyText(events)` cut into `events` non-empty pieces of near-equal length. */
export function splitReply(events: number = DEFAULT_EVENTS): string[] {
  const n = Math.max(1, events);
  const text = replyText(n);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(text.slice(Math.floor((i * text.length) / n), Math.floor(((i + 1) * text.length) / n)));
  }
  return out;
}

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface UsageOverride {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** Parse `x-fake-usage: input=100,output=20,cache_read=50,cache_write=10`. */
export function parseUsageHeader(value: string | undefined): UsageOverride {
  const out: UsageOverride = {};
  if (!value) return out;
  for (const part of value.split(",")) {
    const [k, v] = part.split("=").map((s) => s.trim());
    const n = Number(v);
    if (!k || !Number.isFinite(n) || n < 0) continue;
    if (k === "input") out.input = n;
    else if (k === "output") out.output = n;
    else if (k === "cache_read") out.cacheRead = n;
    else if (k === "cache_write") out.cacheWrite = n;
  }
  return out;
}

/** Each number is what the provider reports in its own headline field (see README). */
export function computeUsage(bodyBytes: number, events: number, o: UsageOverride): Usage {
  return {
    input: o.input ?? Math.ceil(bodyBytes / 4),
    output: o.output ?? events * TOKENS_PER_EVENT,
    cacheRead: o.cacheRead ?? 0,
    cacheWrite: o.cacheWrite ?? 0,
  };
}

export function parseEventsHeader(value: string | undefined): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : DEFAULT_EVENTS;
}
