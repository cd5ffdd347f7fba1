// Token leasing on a fake clock, with the store's round trip simulated as latency on that clock: whether a
// call waited on the store is read off the clock (it resolved only after time moved), never timed for real.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Background, tokenLeases } from "../src/middleware/rate-limit-lease.js";
import { memoryRateLimitStore } from "../src/memory/index.js";
import type { BucketPolicy, RateLimitStore, TakeResult } from "../src/ports/rate-limit.js";

/** A memory store `latencyMs` away (half each way, on the fake clock), counting the round trips made to it. */
function distant(latencyMs: number): RateLimitStore & { calls: number; inner: RateLimitStore } {
  const inner = memoryRateLimitStore();
  const travel = () => new Promise((resolve) => setTimeout(resolve, latencyMs / 2));
  const store = {
    calls: 0,
    inner,
    async take(...args: Parameters<RateLimitStore["take"]>) {
      store.calls++;
      await travel();
      const result = await inner.take(...args);
      await travel();
      return result;
    },
  };
  return store;
}

const still = (capacity: number): BucketPolicy => ({ capacity, refillPerSecond: 0, ttlSeconds: 600 });
/** The bucket's balance, read without the round trip. */
const left = async (store: { inner: RateLimitStore }, policy: BucketPolicy) =>
  (await store.inner.take("k", 0, policy)).remaining;

/** Runs background work like `waitUntil` does, and lets the test wait for all of it. */
function backgroundTasks(): Background & { all: Promise<unknown>[] } {
  const all: Promise<unknown>[] = [];
  return Object.assign((work: Promise<unknown>) => void all.push(work.catch(() => {})), { all });
}

interface Call {
  result?: TakeResult;
  waited?: boolean;
}

/** Starts one call; it "waited" if it resolved only after the clock moved. */
function call(leases: ReturnType<typeof tokenLeases>, policy: BucketPolicy, bg: Background): Call {
  const started = Date.now();
  const c: Call = {};
  void leases.take("k", policy, bg).then((result) => {
    c.result = result;
    c.waited = Date.now() > started;
  });
  return c;
}

/** `count` calls, one every `everyMs`, spread over `isolates` (round robin); then everything settles. */
async function steady(
  isolates: ReturnType<typeof tokenLeases>[],
  policy: BucketPolicy,
  { count, everyMs }: { count: number; everyMs: number },
) {
  const bg = backgroundTasks();
  const calls: Call[] = [];
  for (let i = 0; i < count; i++) {
    calls.push(call(isolates[i % isolates.length]!, policy, bg));
    await vi.advanceTimersByTimeAsync(everyMs);
  }
  await vi.advanceTimersByTimeAsync(10_000);
  await Promise.all(bg.all);
  return {
    calls,
    admitted: calls.filter((c) => c.result?.allowed).length,
    waited: calls.filter((c) => c.waited).length,
  };
}

beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => void vi.useRealTimers());

describe("token leasing: renewal before the lease runs out", () => {
  it("in a steady stream only the first call waits on the store's round trip", async () => {
    const store = distant(100);
    const leases = tokenLeases(store, { size: 16 });
    // 50 calls/s, 100 ms round trip: 5 calls arrive during each renewal.
    const run = await steady([leases], still(100_000), { count: 500, everyMs: 20 });
    expect(run.admitted).toBe(500);
    // The first call took the lease; the 5 arriving during that first round trip went to the store on their
    // own. From then on, none waited.
    expect(run.calls.findLastIndex((c) => c.waited)).toBeLessThan(100 / 20 + 1);
    // Renewals top the lease up, about one per (size − what a round trip uses) calls; far fewer than 500.
    expect(store.calls).toBeLessThan(500 / 8);
  });

  it("a stream slower than the lease's lifetime renews before expiry instead of waiting each time", async () => {
    const store = distant(100);
    const leases = tokenLeases(store, { size: 8, ttlMs: 1000 });
    // 4 calls/s: a lease of 8 would outlive its 1 s TTL half used, then the next call would wait.
    const run = await steady([leases], still(100_000), { count: 40, everyMs: 250 });
    expect(run.waited).toBe(1);
    expect(run.admitted).toBe(40);
  });

  it("a renewal runs in the background: the call that starts it answers at once and hands it to waitUntil", async () => {
    const store = distant(100);
    const leases = tokenLeases(store, { size: 5 });
    const bg = backgroundTasks();
    const calls = [call(leases, still(100), bg)];
    await vi.advanceTimersByTimeAsync(100);
    expect(calls[0]!.waited).toBe(true);
    // 5 calls/s: slow enough that only the share used (4 of 5) starts the renewal.
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(200);
      calls.push(call(leases, still(100), bg));
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(bg.all).toHaveLength(2); // the first lease's expiry timer, and the renewal

    // The last held token serves the next call while the renewal is still on its way.
    calls.push(call(leases, still(100), bg));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.waited)).toEqual([true, false, false, false, false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(store.calls).toBe(2);
    expect(await left(store, still(100))).toBe(100 - 5 - 4); // the renewal topped the lease back up to 5
  });

  it("a burst faster than a round trip: calls finding the lease empty go to the store, none waits on another's promise", async () => {
    const store = distant(100);
    const leases = tokenLeases(store, { size: 8 });
    const bg = backgroundTasks();
    const calls = Array.from({ length: 30 }, () => call(leases, still(1000), bg));
    await vi.advanceTimersByTimeAsync(500);
    expect(calls.every((c) => c.result?.allowed)).toBe(true);
    // The first took the lease; the 29 that arrived during it went straight to the store.
    expect(store.calls).toBe(30);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(bg.all);
  });
});

describe("token leasing: never over-admits", () => {
  it("two isolates on one bucket admit at most its size during a burst, exactly its size once leases expire", async () => {
    const store = distant(60);
    const policy = still(100);
    const isolates = [
      tokenLeases(store, { size: 16, ttlMs: 500 }),
      tokenLeases(store, { size: 16, ttlMs: 500 }),
    ];
    const bg = backgroundTasks();
    const burst: Call[] = [];
    for (let i = 0; i < 600; i++) {
      burst.push(call(isolates[i % 2]!, policy, bg));
      if (i % 10 === 0) await vi.advanceTimersByTimeAsync(1);
      expect(burst.filter((c) => c.result?.allowed).length).toBeLessThanOrEqual(100);
    }
    await vi.advanceTimersByTimeAsync(400);
    const during = burst.filter((c) => c.result?.allowed).length;
    expect(during).toBeLessThanOrEqual(100);
    // What the isolates still hold goes back once their leases expire, without a call to either.
    await vi.advanceTimersByTimeAsync(600);
    await Promise.all(bg.all);
    expect(during + (await left(store, policy))).toBe(100);
    const later = await steady(isolates, policy, { count: 40, everyMs: 5 });
    expect(during + later.admitted).toBe(100);
    expect(await left(store, policy)).toBe(0);
  });

  it("a refilling bucket: admitted over a run never exceeds capacity plus what refilled", async () => {
    const store = distant(80);
    const policy = { capacity: 20, refillPerSecond: 10, ttlSeconds: 60 };
    const isolates = [
      tokenLeases(store, { size: 8 }),
      tokenLeases(store, { size: 8 }),
      tokenLeases(store, { size: 8 }),
    ];
    // 100 calls/s for 5 s against 20 + 10/s.
    const run = await steady(isolates, policy, { count: 500, everyMs: 10 });
    expect(run.admitted).toBeLessThanOrEqual(20 + 10 * 5 + 1);
    expect(run.admitted).toBeGreaterThan(20 + 10 * 5 - 3 * 8 - 1); // under by at most one lease per isolate
  });

  it("gives unused tokens back when a lease expires, with no further call", async () => {
    const store = distant(10);
    const leases = tokenLeases(store, { size: 8, ttlMs: 50 });
    const bg = backgroundTasks();
    call(leases, still(100), bg);
    await vi.advanceTimersByTimeAsync(20);
    expect(await left(store, still(100))).toBe(92);
    await vi.advanceTimersByTimeAsync(100);
    expect(await left(store, still(100))).toBe(99); // the 7 unused came back
    call(leases, still(100), bg);
    await vi.advanceTimersByTimeAsync(20);
    expect(await left(store, still(100))).toBe(100 - 1 - 8); // a fresh lease, one of it used
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(bg.all);
    expect(await left(store, still(100))).toBe(98);
  });

  it("near the end of a bucket (no whole lease left) every call goes to the store, one round trip each", async () => {
    const store = distant(10);
    const leases = tokenLeases(store, { size: 8 });
    const policy = still(20);
    await store.inner.take("k", 15, policy);
    const run = await steady([leases], policy, { count: 10, everyMs: 30 });
    expect(run.admitted).toBe(5);
    // The first call asked for a lease (denied) and then for its token; the others went straight to the store.
    expect(store.calls).toBe(11);
  });

  it("a store failure on the call that takes the lease reaches that call; the next call tries again", async () => {
    const failing: RateLimitStore = { take: () => Promise.reject(new Error("store down")) };
    const leases = tokenLeases(failing, { size: 8 });
    await expect(leases.take("k", still(10), backgroundTasks())).rejects.toThrow("store down");
    await expect(leases.take("k", still(10), backgroundTasks())).rejects.toThrow("store down");
  });
});

describe('token leasing: size "auto" (the default)', () => {
  it("a key called one at a time is never leased: one round trip per call, nothing held", async () => {
    const store = distant(100);
    const leases = tokenLeases(store, { size: "auto" });
    const policy = still(10_000);
    const run = await steady([leases], policy, { count: 20, everyMs: 150 });
    expect(run.admitted).toBe(20);
    expect(store.calls).toBe(20);
    expect(run.waited).toBe(20);
    expect(await left(store, policy)).toBe(10_000 - 20);
  });

  it("once calls pile up behind the store the key is leased, and almost no call waits on the round trip", async () => {
    const store = distant(100);
    const leases = tokenLeases(store, { size: "auto" });
    // 100 calls/s with a 100 ms round trip: ten waiting at once without leasing.
    const run = await steady([leases], still(10_000), { count: 500, everyMs: 10 });
    expect(run.admitted).toBe(500);
    expect(run.waited).toBeLessThan(25); // the first pile-up, until the first lease lands
    expect(store.calls).toBeLessThan(60);
  });

  it("holds at most 1/16 of the bucket, and never leases a bucket whose 1/16 is under 4 tokens", async () => {
    for (const [capacity, size] of [
      [160, 10],
      [10_000, 64],
      [63, 0],
    ] as const) {
      const store = distant(100);
      const leases = tokenLeases(store, { size: "auto" });
      const policy = still(capacity);
      const bg = backgroundTasks();
      const calls: Call[] = [];
      let held = 0;
      for (let i = 0; i < Math.min(capacity, 200); i++) {
        calls.push(call(leases, policy, bg));
        await vi.advanceTimersByTimeAsync(5);
        const admitted = calls.filter((c) => c.result?.allowed).length;
        held = Math.max(held, capacity - (await left(store, policy)) - admitted - (calls.length - admitted));
      }
      await vi.advanceTimersByTimeAsync(5_000);
      await Promise.all(bg.all);
      // Tokens taken from the store beyond the calls started: what the lease holds (≤ its size).
      expect(held, `capacity ${capacity}`).toBeLessThanOrEqual(size);
      if (size === 0) expect(store.calls).toBe(calls.length);
      else expect(store.calls).toBeLessThan(calls.length * (size === 64 ? 0.25 : 0.9));
    }
  });

  it("a burst on one isolate admits exactly the bucket: tokens a renewal brought in are used by calls the store refused", async () => {
    const store = distant(60);
    const leases = tokenLeases(store, { size: "auto" });
    const policy = still(100);
    const bg = backgroundTasks();
    const burst = Array.from({ length: 1000 }, () => call(leases, policy, bg));
    await vi.advanceTimersByTimeAsync(500);
    expect(burst.every((c) => c.result)).toBe(true);
    expect(burst.filter((c) => c.result?.allowed).length).toBe(100);
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(bg.all);
    expect(await left(store, policy)).toBe(0);
  });
});

describe('token leasing: size "auto" lets go', () => {
  /** `count` calls `everyMs` apart, without settling afterwards (a lease may still be live). */
  async function calls(
    leases: ReturnType<typeof tokenLeases>,
    policy: BucketPolicy,
    bg: Background,
    { count, everyMs }: { count: number; everyMs: number },
  ) {
    const started: Call[] = [];
    for (let i = 0; i < count; i++) {
      started.push(call(leases, policy, bg));
      await vi.advanceTimersByTimeAsync(everyMs);
    }
    return started;
  }

  it("a key whose calls stop piling up goes back to one round trip per call, holding nothing", async () => {
    const store = distant(100);
    const leases = tokenLeases(store, { size: "auto" });
    const policy = still(10_000);
    const bg = backgroundTasks();
    await calls(leases, policy, bg, { count: 100, everyMs: 10 }); // a pile-up: leased
    // Straight on, one call at a time (each after the last one's round trip): the lease is not renewed.
    const calm = await calls(leases, policy, bg, { count: 40, everyMs: 300 });
    const before = store.calls;
    const last = await calls(leases, policy, bg, { count: 10, everyMs: 300 });
    await vi.advanceTimersByTimeAsync(300);
    expect([...calm, ...last].every((c) => c.result?.allowed)).toBe(true);
    expect(store.calls - before).toBe(10); // one round trip per call again
    expect(await left(store, policy)).toBe(10_000 - 150); // nothing held
    await Promise.all(bg.all);
  });

  it("a limit lowered while a lease is live: renewals take at most 1/16 of the new bucket, none below 64", async () => {
    const store = distant(100);
    const costs: number[] = [];
    const recording: RateLimitStore = {
      take: (key, cost, policy, options) => {
        if (cost > 0) costs.push(cost);
        return store.take(key, cost, policy, options);
      },
    };
    const leases = tokenLeases(recording, { size: "auto" });
    const bg = backgroundTasks();
    await calls(leases, still(10_000), bg, { count: 50, everyMs: 10 });
    expect(Math.max(...costs)).toBe(64);
    // The same key, straight on, its limit now 320 (1/16: 20), then 40 (not leasable).
    for (const [capacity, most] of [
      [320, 20],
      [40, 1],
    ] as const) {
      costs.length = 0;
      await calls(leases, still(capacity), bg, { count: 30, everyMs: 10 });
      expect(Math.max(...costs), `capacity ${capacity}`).toBeLessThanOrEqual(most);
    }
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(bg.all);
  });

  it("a renewal that fails after the lease's expiry still gives the held tokens back", async () => {
    const inner = distant(10);
    let failing = false;
    const store: RateLimitStore = {
      take: (key, cost, policy, options) =>
        failing && cost > 0
          ? new Promise((_, reject) => setTimeout(() => reject(new Error("store down")), 100))
          : inner.take(key, cost, policy, options),
    };
    const leases = tokenLeases(store, { size: 8, ttlMs: 200 });
    const policy = still(100);
    const bg = backgroundTasks();
    call(leases, policy, bg); // takes a lease of 8 at t≈0, expiring at t≈210
    await vi.advanceTimersByTimeAsync(180);
    failing = true;
    call(leases, policy, bg); // near expiry: a renewal starts, is still in flight at expiry, then fails
    await vi.advanceTimersByTimeAsync(150);
    failing = false;
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(bg.all);
    expect(await left(inner, policy)).toBe(100 - 2); // the 6 unused came back, with no further call
  });

  it("says which buckets it may lease, so a denial is remembered no longer than a lease lives only there", () => {
    const leases = tokenLeases(memoryRateLimitStore(), { size: "auto" });
    expect(leases.leasable(still(63))).toBe(false);
    expect(leases.leasable(still(64))).toBe(true);
    expect(tokenLeases(memoryRateLimitStore(), { size: 8 }).leasable(still(3))).toBe(true);
  });
});
