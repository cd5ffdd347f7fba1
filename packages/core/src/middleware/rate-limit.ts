/**
 * Per-key rate limit on the strongly consistent store. The store is the only authority; this isolate
 * remembers only "denied until T" (the bucket cannot have refilled before T), which can never over-admit.
 */
import type { Middleware } from "../compose.js";
import { GatewayError } from "../failures.js";
import type { RateLimitStore, TakeResult } from "../ports/rate-limit.js";
import type { TokenLeases } from "./rate-limit-lease.js";

export interface RateLimitOptions {
  store: RateLimitStore;
  /** Applies to keys without their own `rateLimit`. */
  limit?: { limit: number; windowSeconds: number };
  failOpen: boolean;
  /** Opt-in token leasing in front of `store` (`limits.lease`). */
  leases?: TokenLeases;
}

const DENIAL_MEMO_LIMIT = 10_000;

export function rateLimit({ store, limit, failOpen, leases }: RateLimitOptions): Middleware {
  const deniedUntil = new Map<string, number>();

  return async function rateLimited(ctx, next) {
    const rule = ctx.client?.rateLimit ?? limit;
    if (!rule || !ctx.client) return next();
    const key = `rl:${ctx.client.id}`;
    const now = Date.now();
    const until = deniedUntil.get(key);
    if (until !== undefined && until > now) throw denied(until - now, rule);
    let result: TakeResult;
    const policy = {
      capacity: rule.limit,
      refillPerSecond: rule.limit / rule.windowSeconds,
      ttlSeconds: rule.windowSeconds,
    };
    try {
      result = leases
        ? await leases.take(key, policy, (work) => ctx.waitUntil(work))
        : await store.take(key, 1, policy);
    } catch {
      if (failOpen) return next();
      throw new GatewayError(
        "state_unavailable",
        "The rate-limit store could not be reached; try again shortly.",
        {
          headers: { "retry-after": "1" },
        },
      );
    }
    if (!result.allowed) {
      if (deniedUntil.size >= DENIAL_MEMO_LIMIT) deniedUntil.clear();
      // Where this bucket can be leased, tokens other isolates hold come back within a lease's TTL: remember
      // the denial no longer than that.
      const memo = leases?.leasable(policy)
        ? Math.min(result.retryAfterMs, leases.ttlMs)
        : result.retryAfterMs;
      deniedUntil.set(key, now + memo);
      throw denied(result.retryAfterMs, rule);
    }
    deniedUntil.delete(key);
    return next();
  };
}

function denied(retryAfterMs: number, rule: { limit: number; windowSeconds: number }): GatewayError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GatewayError(
    "rate_limited",
    `Rate limit of ${rule.limit} requests per ${rule.windowSeconds} s reached for this key; retry in ${seconds} s.`,
    { headers: { "retry-after": String(seconds) } },
  );
}
