import { type BucketState, bucketTtlMs, takeFromBucket } from "../bucket.js";
import type { RateLimitStore } from "../ports/rate-limit.js";

/**
 * Buckets in this isolate's memory. Exact within one process (JavaScript runs one take at a time), but
 * each isolate has its own: use it for tests and single-process servers, never across edge isolates.
 */
export function memoryRateLimitStore(now: () => number = Date.now): RateLimitStore {
  const buckets = new Map<string, { state: BucketState; expiresAt: number }>();
  const prune = (time: number) => {
    let deleted = 0;
    for (const [k, v] of buckets) {
      if (v.expiresAt <= time) {
        buckets.delete(k);
        deleted++;
      }
    }
    return deleted;
  };
  return {
    async take(key, cost, policy, options) {
      const time = now();
      const entry = buckets.get(key);
      const current = entry && entry.expiresAt > time ? entry.state : undefined;
      const { state, result } = takeFromBucket(current, cost, policy, time, options);
      buckets.set(key, { state, expiresAt: time + bucketTtlMs(state, policy) });
      if (buckets.size > 50_000) prune(time);
      return result;
    },
    async prune() {
      return prune(now());
    },
  };
}
