import { describe, expect, it } from "vitest";
import { leasedRateLimitStore } from "../src/middleware/rate-limit-lease.js";
import { memoryRateLimitStore } from "../src/memory/index.js";
import type { RateLimitStore } from "../src/ports/rate-limit.js";

/** A memory store that counts the round trips made to it. */
function counted(): RateLimitStore & { calls: number } {
  const inner = memoryRateLimitStore();
  const store = {
    calls: 0,
    take: (...args: Parameters<RateLimitStore["take"]>) => {
      store.calls++;
      return inner.take(...args);
    },
  };
  return store;
}

const still = (capacity: number) => ({ capacity, refillPerSecond: 0, ttlSeconds: 60 });

describe("token leasing", () => {
  it("never over-admits a burst, and gives stranded tokens back when the lease expires", async () => {
    const store = counted();
    const leased = leasedRateLimitStore(store, { size: 8, ttlMs: 50 });
    const burst = await Promise.all(Array.from({ length: 200 }, () => leased.take("k", 1, still(50))));
    const first = burst.filter((r) => r.allowed).length;
    // Requests that arrive while a lease is renewed go to the store; the lease's unused tokens wait here.
    expect(first).toBeLessThanOrEqual(50);
    expect(first).toBeGreaterThanOrEqual(50 - 8);
    await new Promise((r) => setTimeout(r, 80));
    const later = [];
    for (let i = 0; i < 20; i++) later.push(await leased.take("k", 1, still(50)));
    expect(first + later.filter((r) => r.allowed).length).toBe(50);
    expect((await store.take("k", 0, still(50))).remaining).toBe(0);
  });

  it("skips most store round trips while tokens are plentiful", async () => {
    const store = counted();
    const leased = leasedRateLimitStore(store, { size: 8 });
    for (let i = 0; i < 80; i++) expect((await leased.take("k", 1, still(1000))).allowed).toBe(true);
    expect(store.calls).toBe(10);
  });

  it("never over-admits across isolates sharing one store", async () => {
    const store = counted();
    const a = leasedRateLimitStore(store, { size: 8 });
    const b = leasedRateLimitStore(store, { size: 8 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).take("k", 1, still(30))),
    );
    const admitted = results.filter((r) => r.allowed).length;
    expect(admitted).toBeLessThanOrEqual(30);
    // Under-admission is bounded by what the isolates still hold: less than one lease each.
    expect(admitted).toBeGreaterThan(30 - 2 * 8);
  });

  it("gives unused tokens back when a lease expires", async () => {
    const store = counted();
    const leased = leasedRateLimitStore(store, { size: 8, ttlMs: 50 });
    await leased.take("k", 1, still(100));
    expect((await store.take("k", 0, still(100))).remaining).toBe(92);
    await new Promise((r) => setTimeout(r, 80));
    await leased.take("k", 1, still(100));
    // 7 unused came back, then a new lease of 8 was taken, one of them used.
    await new Promise((r) => setTimeout(r, 10));
    expect((await store.take("k", 0, still(100))).remaining).toBe(100 - 1 - 8);
  });

  it("passes forced and non-unit takes (budgets, refunds) straight to the store", async () => {
    const store = counted();
    const leased = leasedRateLimitStore(store);
    expect((await leased.take("b", 5, still(10))).remaining).toBe(5);
    expect((await leased.take("b", -2, still(10), { force: true })).remaining).toBe(7);
    expect(store.calls).toBe(2);
  });
});
