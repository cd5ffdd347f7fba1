import type { BucketPolicy, RateLimitStore, TakeResult } from "@sluice/core";
import { PenaltyBox, RateCounter } from "fastly:edge-rate-limiter";

export interface EdgeRateLimitOptions {
  /** Rate counter name. Default "sluice_rc". */
  rateCounter?: string;
  /** Penalty box name. Default "sluice_pb". */
  penaltyBox?: string;
  /**
   * Minutes (1–60) a key that went over its limit stays denied without consulting the counter. 0 turns
   * the penalty box off (denials then last until the count window has moved on). Default 1.
   */
  penaltyMinutes?: number;
}

type CountWindow = 10 | 20 | 30 | 40 | 50 | 60;

/** How a token bucket maps onto an ERL count: the count window and how many units it may hold. */
export interface ErlPlan {
  /** The `lookupCount` duration in seconds. */
  window: CountWindow;
  /** Units allowed within that window. */
  limit: number;
}

const toWindow = (seconds: number): CountWindow =>
  Math.min(60, Math.max(10, Math.ceil(seconds / 10) * 10)) as CountWindow;

/**
 * A refilling bucket (capacity C, refill r/s) refills completely in W = C / r seconds. ERL counts over
 * 10–60 s, so the sustained rate r is enforced over the window d nearest above W (10 s at least, 60 s at
 * most): at most r × d units per d seconds. A bucket that does not refill is allowed only when its
 * `ttlSeconds` fits in ERL's 60 s memory: C units per ttl window.
 */
export function planFor(policy: BucketPolicy): ErlPlan {
  if (policy.refillPerSecond > 0) {
    const window = toWindow(policy.capacity / policy.refillPerSecond);
    return { window, limit: policy.refillPerSecond * window };
  }
  const ttl = policy.ttlSeconds ?? 0;
  if (ttl <= 0 || ttl > 60) {
    throw new Error(
      "Edge Rate Limiting remembers at most 60 s: it cannot hold a bucket that does not refill " +
        `(ttl ${ttl} s). Use a strongly consistent store (Upstash) for budgets.`,
    );
  }
  return { window: toWindow(ttl), limit: policy.capacity };
}

/**
 * Rate limits on Fastly Edge Rate Limiting (a RateCounter plus a PenaltyBox). **Approximate and per
 * POP**: counters are kept in each Fastly POP and converge within seconds, so a key spread over POPs, or
 * a burst inside one, can pass its limit by a margin. Use it to shed abuse cheaply at the edge; use the
 * Upstash store where limits must be exact.
 *
 * - `take(key, cost)` admits when the units counted in the plan's window plus `cost` fit the window's
 *   limit, then increments the counter by `cost`. A denial puts the key in the penalty box.
 * - `cost` 0 reads; `force` increments whatever the count (remaining may go negative).
 * - A negative cost (a refund) changes nothing: ERL counters only grow, and forget after the window.
 *
 * @example
 * ```ts
 * createHandler({ limits: { rate: "60/60s" }, stores: { counters: edgeRateLimitStore({ penaltyMinutes: 1 }) } });
 * ```
 */
export function edgeRateLimitStore(options: EdgeRateLimitOptions = {}): RateLimitStore {
  const penaltyMinutes = options.penaltyMinutes ?? 1;
  if (penaltyMinutes !== 0 && !(penaltyMinutes >= 1 && penaltyMinutes <= 60)) {
    throw new RangeError("penaltyMinutes must be 0 (off) or between 1 and 60.");
  }
  // Opened on first use: Fastly allows ERL only while handling a request.
  let counter: RateCounter | undefined;
  let box: PenaltyBox | undefined;
  const open = () => {
    counter ??= new RateCounter(options.rateCounter ?? "sluice_rc");
    box ??= new PenaltyBox(options.penaltyBox ?? "sluice_pb");
    return { counter, box };
  };

  return {
    // Refunds change nothing (ERL counters only grow): a lease's unused tokens could never go back.
    exactCosts: false,
    async take(key, cost, policy, takeOptions): Promise<TakeResult> {
      if (!Number.isFinite(cost)) throw new RangeError("cost must be a finite number");
      const plan = planFor(policy);
      const { counter, box } = open();
      const force = !!takeOptions?.force;
      const used = counter.lookupCount(key, plan.window);
      const remaining = plan.limit - used;
      if (cost > 0 && !force && penaltyMinutes > 0 && box.has(key)) {
        return { allowed: false, remaining, retryAfterMs: penaltyMinutes * 60_000 };
      }
      if (force || cost <= remaining) {
        if (cost > 0) counter.increment(key, cost);
        return { allowed: true, remaining: remaining - Math.max(0, cost), retryAfterMs: 0 };
      }
      if (policy.refillPerSecond <= 0 && cost > plan.limit) {
        return { allowed: false, remaining, retryAfterMs: Number.POSITIVE_INFINITY };
      }
      if (penaltyMinutes > 0 && cost > 0) {
        box.add(key, penaltyMinutes);
        return { allowed: false, remaining, retryAfterMs: penaltyMinutes * 60_000 };
      }
      const windowMs = plan.window * 1000;
      const retryAfterMs =
        policy.refillPerSecond > 0
          ? Math.min(windowMs, Math.ceil(((cost - remaining) / policy.refillPerSecond) * 1000))
          : windowMs;
      return { allowed: false, remaining, retryAfterMs };
    },
  };
}
