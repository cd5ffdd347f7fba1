/**
 * Per-key, per-day usage counters for the usage endpoint (`GET /_sluice/usage`). Optional: without it the
 * endpoint answers 404 and the numbers live only in the metrics sinks.
 */

/** Whole numbers only, so every store can add them atomically (Redis HINCRBY, SQL `+=`, KV sum). */
export interface UsageCounters {
  /** Calls that reached the upstream (or were answered from the response cache). */
  requests: number;
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Cost in billionths of a US dollar (an integer keeps sums exact; 9e15 of them is 9 million dollars). */
  costNanoUsd: number;
}

export interface UsageStore {
  /** Atomically adds `delta` to the counters of `keyId` on `day` ("YYYY-MM-DD", UTC). Concurrent adds all count. */
  add(keyId: string, day: string, delta: UsageCounters): Promise<void>;
  /** The counters of `keyId` on `day`, or null when nothing was recorded. */
  get(keyId: string, day: string): Promise<UsageCounters | null>;
}

export const emptyCounters = (): UsageCounters => ({
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanoUsd: 0,
});

export const COUNTER_FIELDS = Object.keys(emptyCounters()) as (keyof UsageCounters)[];
