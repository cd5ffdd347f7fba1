import type { RateLimitStore } from "../ports/rate-limit.js";
import { type ContractCase, check, equal, freshKey, pause } from "./assert.js";

export interface RateLimitContractOptions {
  /** Concurrent takes in the over-admission check. Default 100. */
  concurrency?: number;
}

/** What every rate-limit store must do. Catches, above all, a store that over-admits under concurrency. */
export function rateLimitContract(
  make: () => RateLimitStore | Promise<RateLimitStore>,
  { concurrency = 100 }: RateLimitContractOptions = {},
): ContractCase[] {
  const still = { capacity: 10, refillPerSecond: 0, ttlSeconds: 60 };
  return [
    {
      name: "rate limit: a new bucket starts full",
      async run() {
        const store = await make();
        const result = await store.take(freshKey("full"), 1, still);
        check(result.allowed, "the first take from a new bucket must be allowed");
        equal(result.remaining, 9, "remaining after taking 1 of 10");
      },
    },
    {
      name: `rate limit: ${concurrency} concurrent takes on a bucket of ${Math.floor(concurrency / 4)} admit exactly that many`,
      async run() {
        const store = await make();
        const key = freshKey("exact");
        const capacity = Math.floor(concurrency / 4);
        const policy = { capacity, refillPerSecond: 0, ttlSeconds: 60 };
        const results = await Promise.all(
          Array.from({ length: concurrency }, () => store.take(key, 1, policy)),
        );
        const admitted = results.filter((r) => r.allowed).length;
        equal(admitted, capacity, "admitted count under concurrency");
        const after = await store.take(key, 0, policy);
        check(
          Math.abs(after.remaining) < 1e-9,
          `the bucket must be empty afterwards, has ${after.remaining}`,
        );
      },
    },
    {
      name: "rate limit: a denial says how long until the cost is covered",
      async run() {
        const store = await make();
        const key = freshKey("retry");
        const policy = { capacity: 2, refillPerSecond: 1, ttlSeconds: 60 };
        await store.take(key, 2, policy);
        const denied = await store.take(key, 1, policy);
        check(!denied.allowed, "a take from an empty bucket must be denied");
        check(
          denied.retryAfterMs > 500 && denied.retryAfterMs <= 1000,
          `retryAfterMs should be ~1000, got ${denied.retryAfterMs}`,
        );
        const never = await store.take(freshKey("never"), 11, still);
        check(
          !never.allowed && never.retryAfterMs === Number.POSITIVE_INFINITY,
          "a cost above a non-refilling bucket never fits",
        );
      },
    },
    {
      name: "rate limit: buckets refill with time",
      async run() {
        const store = await make();
        const key = freshKey("refill");
        const policy = { capacity: 2, refillPerSecond: 10, ttlSeconds: 60 };
        await store.take(key, 2, policy);
        check(!(await store.take(key, 1, policy)).allowed, "empty right after draining");
        await pause(250);
        check((await store.take(key, 1, policy)).allowed, "one token must be back after 250 ms at 10/s");
      },
    },
    {
      name: "rate limit: cost 0 reads without taking; forced takes go below zero; refunds cap at capacity",
      async run() {
        const store = await make();
        const key = freshKey("settle");
        equal((await store.take(key, 0, still)).remaining, 10, "a read of a new bucket");
        equal((await store.take(key, 0, still)).remaining, 10, "a read takes nothing");
        const forced = await store.take(key, 15, still, { force: true });
        check(forced.allowed, "a forced take is always applied");
        equal(forced.remaining, -5, "a forced take may overdraw");
        check(!(await store.take(key, 1, still)).allowed, "an overdrawn bucket denies");
        equal(
          (await store.take(key, -100, still, { force: true })).remaining,
          10,
          "a refund is capped at capacity",
        );
      },
    },
    {
      name: "rate limit: keys are independent",
      async run() {
        const store = await make();
        const a = freshKey("a");
        const b = freshKey("b");
        await store.take(a, 10, still);
        check(!(await store.take(a, 1, still)).allowed, "a is empty");
        check((await store.take(b, 1, still)).allowed, "b is untouched by a");
      },
    },
  ];
}
