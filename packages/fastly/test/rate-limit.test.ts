/** How take/cost/force/refund map onto ERL's RateCounter and PenaltyBox (README: "Edge Rate Limiting"). */
import { freshKey } from "@sluice/core/testing";
import { afterEach, describe, expect, test } from "vitest";
import { edgeRateLimitStore, planFor } from "../src/index.js";
import { PenaltyBox, RateCounter } from "./stand-ins/edge-rate-limiter.js";
import { fastlyState, resetRuntime } from "./stand-ins/state.js";

afterEach(resetRuntime);
const perMinute = { capacity: 60, refillPerSecond: 1, ttlSeconds: 60 };

describe("planFor: a token bucket as an ERL count window", () => {
  test("60/60s is 60 per 60 s; 10/10s is 10 per 10 s", () => {
    expect(planFor(perMinute)).toEqual({ window: 60, limit: 60 });
    expect(planFor({ capacity: 10, refillPerSecond: 1 })).toEqual({ window: 10, limit: 10 });
  });
  test("windows under 10 s widen to 10 s at the same sustained rate", () => {
    expect(planFor({ capacity: 2, refillPerSecond: 1 })).toEqual({ window: 10, limit: 10 });
  });
  test("windows over 60 s keep their rate over 60 s (1000/1h -> ~16.7 per minute)", () => {
    const plan = planFor({ capacity: 1000, refillPerSecond: 1000 / 3600 });
    expect(plan.window).toBe(60);
    expect(plan.limit).toBeCloseTo(16.67, 2);
  });
  test("a bucket that does not refill fits only in ERL's 60 s memory", () => {
    expect(planFor({ capacity: 5, refillPerSecond: 0, ttlSeconds: 30 })).toEqual({ window: 30, limit: 5 });
    expect(() => planFor({ capacity: 5, refillPerSecond: 0, ttlSeconds: 86_400 })).toThrow(/Upstash/);
  });
});

describe("edgeRateLimitStore", () => {
  test("admits up to the window's limit, then denies and puts the key in the penalty box", async () => {
    const store = edgeRateLimitStore({ rateCounter: "t_rc", penaltyBox: "t_pb", penaltyMinutes: 2 });
    const key = freshKey("erl");
    const policy = { capacity: 3, refillPerSecond: 3 / 60, ttlSeconds: 60 };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.take(key, 1, policy));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3]!.retryAfterMs).toBe(120_000);
    expect(new PenaltyBox("t_pb").has(key)).toBe(true);
    expect(new RateCounter("t_rc").lookupCount(key, 60)).toBe(3); // the denial counted nothing
    fastlyState.offsetMs = 61_000; // the count window has moved on, but the penalty (2 min) has not
    expect((await store.take(key, 1, policy)).allowed).toBe(false);
    fastlyState.offsetMs = 121_000;
    expect((await store.take(key, 1, policy)).allowed).toBe(true);
  });

  test("without the penalty box, a denial lasts until the window forgets enough", async () => {
    const store = edgeRateLimitStore({ penaltyMinutes: 0 });
    const key = freshKey("nopb");
    const policy = { capacity: 10, refillPerSecond: 1 };
    expect((await store.take(key, 10, policy)).allowed).toBe(true);
    const denied = await store.take(key, 1, policy);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBe(1000);
    fastlyState.offsetMs = 10_001;
    expect((await store.take(key, 1, policy)).allowed).toBe(true);
  });

  test("cost 0 reads; force overdraws; a refund changes nothing (ERL counters only grow)", async () => {
    const store = edgeRateLimitStore();
    const key = freshKey("settle");
    expect(await store.take(key, 0, perMinute)).toEqual({ allowed: true, remaining: 60, retryAfterMs: 0 });
    const forced = await store.take(key, 75, perMinute, { force: true });
    expect(forced).toEqual({ allowed: true, remaining: -15, retryAfterMs: 0 });
    const refund = await store.take(key, -50, perMinute, { force: true });
    expect(refund.remaining).toBe(-15);
    expect((await store.take(key, 1, perMinute)).allowed).toBe(false);
    // So it says it cannot take costs exactly: core never leases its tokens (README: "Edge Rate Limiting").
    expect(store.exactCosts).toBe(false);
  });

  test("a cost a non-refilling bucket can never hold is denied for good", async () => {
    const result = await edgeRateLimitStore().take(freshKey("big"), 11, {
      capacity: 10,
      refillPerSecond: 0,
      ttlSeconds: 60,
    });
    expect(result.allowed).toBe(false);
    expect(result.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });

  test("budgets longer than 60 s are refused, so the gateway fails closed instead of over-admitting", async () => {
    const store = edgeRateLimitStore();
    await expect(
      store.take("k", 1, { capacity: 1000, refillPerSecond: 0, ttlSeconds: 86_400 }),
    ).rejects.toThrow(/60 s/);
  });

  test("penaltyMinutes outside ERL's 1-60 is refused up front", () => {
    expect(() => edgeRateLimitStore({ penaltyMinutes: 90 })).toThrow(RangeError);
  });
});
