/**
 * `RateLimitStore` over Cloudflare's rate-limiting binding (`ratelimits` in wrangler config). Cheaper than a
 * Durable Object and with no extra latency, but approximate: counters are kept per Cloudflare location and
 * synchronised eventually, so a key spread over several locations can exceed its limit, and the limit and
 * period come from wrangler config (`simple: { limit, period }`, period 10 or 60 s), not from the policy.
 */
import type { RateLimitStore } from "@sluice/core";

export interface RateLimitBindingLike {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface RateLimitBindingOptions {
  /** The binding's `simple.period` in seconds, used as the `retryAfterMs` of a denial. Default 60. */
  periodSeconds?: number;
}

/**
 * What each kind of take does, exactly (the binding only counts calls, it cannot read or refund):
 * - `cost > 0`: one `limit({ key })` call, whatever the cost (a cost of 5 counts as one hit).
 *   `allowed` is the binding's `success`; `retryAfterMs` is the period on denial, else 0.
 * - `force: true` with `cost > 0`: the same call is made (the hit is counted) and the result is always allowed.
 * - `cost <= 0` (reads and refunds): no call; allowed, nothing changes.
 * - `remaining` is always `NaN`: the binding does not say.
 * - `policy` is ignored: the limit and period are the binding's.
 *
 * @example
 * const store = rateLimitBindingStore(env.RATE_LIMIT, { periodSeconds: 60 });
 */
export function rateLimitBindingStore(
  binding: RateLimitBindingLike,
  { periodSeconds = 60 }: RateLimitBindingOptions = {},
): RateLimitStore {
  return {
    async take(key, cost, _policy, options) {
      if (cost <= 0) return { allowed: true, remaining: Number.NaN, retryAfterMs: 0 };
      const { success } = await binding.limit({ key });
      const allowed = success || !!options?.force;
      return { allowed, remaining: Number.NaN, retryAfterMs: allowed ? 0 : periodSeconds * 1000 };
    },
  };
}
