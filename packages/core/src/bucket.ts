/**
 * Token-bucket arithmetic, pure, so every store (Durable Object, Deno KV, memory) runs the same math and
 * only has to make the read-modify-write atomic. The Redis store mirrors it in Lua.
 */
import type { BucketPolicy, TakeOptions, TakeResult } from "./ports/rate-limit.js";

export interface BucketState {
  tokens: number;
  /** Milliseconds since the epoch when `tokens` was last computed. */
  updatedAt: number;
}

export function takeFromBucket(
  state: BucketState | undefined,
  cost: number,
  policy: BucketPolicy,
  now: number,
  options?: TakeOptions,
): { state: BucketState; result: TakeResult } {
  const elapsed = state ? Math.max(0, now - state.updatedAt) / 1000 : 0;
  const tokens = state
    ? Math.min(policy.capacity, state.tokens + elapsed * policy.refillPerSecond)
    : policy.capacity;
  if (options?.force || cost <= tokens) {
    const left = Math.min(policy.capacity, tokens - cost);
    return {
      state: { tokens: left, updatedAt: now },
      result: { allowed: true, remaining: left, retryAfterMs: 0 },
    };
  }
  const missing = cost - tokens;
  const retryAfterMs =
    policy.refillPerSecond > 0
      ? Math.ceil((missing / policy.refillPerSecond) * 1000)
      : Number.POSITIVE_INFINITY;
  return { state: { tokens, updatedAt: now }, result: { allowed: false, remaining: tokens, retryAfterMs } };
}

/** How long a bucket must be kept before forgetting it is the same as finding it full again. */
export function bucketTtlMs(state: BucketState, policy: BucketPolicy): number {
  const refill =
    policy.refillPerSecond > 0 ? ((policy.capacity - state.tokens) / policy.refillPerSecond) * 1000 : 0;
  return Math.max(refill, (policy.ttlSeconds ?? 0) * 1000, 1000);
}
