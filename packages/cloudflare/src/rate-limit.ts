/**
 * The counters stores (rate limits, budgets, the breaker). The default is `RateLimitStore` over the
 * `SluiceRateLimiter` Durable Object: strongly consistent, one object per bucket.
 * Core's rate-limit middleware already remembers "denied until T" in the isolate, so a denied key costs no
 * DO hop until its bucket can have refilled; nothing else is cached in front, since any other front could
 * over-admit.
 */
import type { BucketPolicy, RateLimitStore, TakeOptions, TakeResult } from "@sluice/core";
import type { SluiceRateLimiter } from "./durable-objects/rate-limiter.js";

export interface DurableObjectRateLimitOptions {
  /**
   * Salted sharding for hot keys: how many objects share one bucket's capacity. Each shard holds
   * `capacity / shards` tokens and refills at `refillPerSecond / shards`; a take goes to one shard at random.
   * It never admits more than the whole bucket, but it is approximate: a take can be denied by an empty shard
   * while another still has tokens, and `remaining` is the shard's balance times `shards` (an estimate).
   * Default: 1 (exact) for every key.
   */
  shards?: number | ((key: string) => number);
  /** Picks a shard; default `Math.random`. Tests make it deterministic. */
  random?: () => number;
}

type Namespace = DurableObjectNamespace<SluiceRateLimiter>;

/**
 * @example
 * const store = durableObjectRateLimitStore(env.RATE_LIMITER);
 * const gateway = createGateway({ secrets: envSecrets(env), limits: { rate: "60/60s" }, stores: { counters: store } });
 */
export function durableObjectRateLimitStore(
  namespace: Namespace,
  { shards = 1, random = Math.random }: DurableObjectRateLimitOptions = {},
): RateLimitStore {
  const call = (name: string, key: string, cost: number, policy: BucketPolicy, options?: TakeOptions) =>
    namespace.get(namespace.idFromName(name)).take(key, cost, policy, options) as Promise<TakeResult>;

  return {
    async take(key, cost, policy, options) {
      const wanted = typeof shards === "function" ? shards(key) : shards;
      // A shard must be able to hold at least one token, or it could never admit anything.
      const count = Math.max(1, Math.min(Math.floor(wanted), Math.floor(policy.capacity)));
      if (count === 1) return call(key, key, cost, policy, options);
      const shard = Math.min(count - 1, Math.floor(random() * count));
      const name = `${key}#shard${shard}`;
      const shardPolicy: BucketPolicy = {
        capacity: policy.capacity / count,
        refillPerSecond: policy.refillPerSecond / count,
        ttlSeconds: policy.ttlSeconds,
      };
      const result = await call(name, name, cost, shardPolicy, options);
      return { ...result, remaining: result.remaining * count };
    },
  };
}

// The second counters store, over Cloudflare's rate-limiting binding (`ratelimits` in wrangler config). Cheaper
// than a Durable Object and with no extra latency, but approximate: counters are kept per Cloudflare location
// and synchronised eventually, so a key spread over several locations can exceed its limit, and the limit and
// period come from wrangler config (`simple: { limit, period }`, period 10 or 60 s), not from the policy.

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
    // One hit per call whatever the cost, and no refunds: never leased (a lease of N would cost one hit).
    exactCosts: false,
    async take(key, cost, _policy, options) {
      if (cost <= 0) return { allowed: true, remaining: Number.NaN, retryAfterMs: 0 };
      const { success } = await binding.limit({ key });
      const allowed = success || !!options?.force;
      return { allowed, remaining: Number.NaN, retryAfterMs: allowed ? 0 : periodSeconds * 1000 };
    },
  };
}
