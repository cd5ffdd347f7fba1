import type { RateLimitStore } from "@sluice/core";
import { type BucketState, bucketTtlMs, takeFromBucket } from "@sluice/core/adapter";
import type { KvKey, KvLike } from "./kv.ts";

export interface KvRateLimitOptions {
  /** Key prefix inside the KV database. Default `["sluice", "rl"]`. */
  prefix?: KvKey;
  /**
   * Commit attempts per take before giving up (the gateway then answers 503, or lets the call through with
   * `failOpen`). A failed `check` means another take on the same bucket committed in between, and each take
   * commits at most once, so N takes arriving together on one bucket need at most N attempts each. Default
   * 128: a burst of 128 simultaneous calls on one client key always completes.
   */
  maxAttempts?: number;
  /** Longest pause between attempts; each pause is random in [0, min(2^attempt, max)] ms. Default 25. */
  maxBackoffMs?: number;
  now?: () => number;
}

/** What is stored per bucket. `expiresAt` is kept because KV deletes expired keys lazily. */
interface StoredBucket extends BucketState {
  expiresAt: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Token buckets in Deno KV, strongly consistent: read, run core's `takeFromBucket`, then commit only if the
 * bucket's versionstamp is unchanged; retry on a collision. Never over-admits: a take that loses every
 * attempt throws instead of admitting.
 *
 * @example
 * const kv = await Deno.openKv();
 * const gateway = createGateway({ secrets, limits: { rate: "60/60s" }, stores: { counters: kvRateLimitStore(kv) } });
 */
export function kvRateLimitStore(kv: KvLike, options: KvRateLimitOptions = {}): RateLimitStore {
  const prefix = options.prefix ?? ["sluice", "rl"];
  const maxAttempts = options.maxAttempts ?? 128;
  const maxBackoffMs = options.maxBackoffMs ?? 25;
  const now = options.now ?? Date.now;
  return {
    async take(key, cost, policy, takeOptions) {
      const kvKey = [...prefix, key];
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const entry = await kv.get<StoredBucket>(kvKey);
        const time = now();
        const stored = entry.value && entry.value.expiresAt > time ? entry.value : undefined;
        const current = stored ? { tokens: stored.tokens, updatedAt: stored.updatedAt } : undefined;
        const { state, result } = takeFromBucket(current, cost, policy, time, takeOptions);
        // A read or a denial changes nothing that refill math would not recompute: no write, no collision.
        if (cost === 0 || !result.allowed) return result;
        const ttl = Math.ceil(bucketTtlMs(state, policy));
        const value: StoredBucket = { ...state, expiresAt: time + ttl };
        const commit = await kv
          .atomic()
          .check({ key: kvKey, versionstamp: entry.versionstamp })
          .set(kvKey, value, { expireIn: ttl })
          .commit();
        if (commit.ok) return result;
        await pause(Math.random() * Math.min(2 ** attempt, maxBackoffMs));
      }
      throw new Error(`Deno KV rate limit: bucket still contended after ${maxAttempts} attempts.`);
    },
  };
}
