// Usage rows on their real storage: SQLite-backed Durable Objects (one per key, plus the key index) in
// workerd, over RPC.
import { emptyCounters, type UsageCounters } from "@sluice/core";
import { usageStoreContract } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { durableObjectUsageStore, type SluiceUsage } from "../src/index.js";

const store = durableObjectUsageStore(env.USAGE);
const counters = (n: number): UsageCounters => ({
  ...emptyCounters(),
  requests: 1,
  inputTokens: n,
  outputTokens: 2 * n,
  costNanoUsd: 1_000_000_007 * n,
  errors: { upstream_error: n },
});

describe("SluiceUsage store: core contract (real local SQLite Durable Objects, over RPC)", () => {
  for (const c of usageStoreContract(() => store, { concurrency: 200 })) test(c.name, c.run);
});

describe("SluiceUsage store: storage", () => {
  test("rows survive eviction, and each key has its own object", async () => {
    const keyId = `usage-test-${crypto.randomUUID()}`;
    const hour = "2026-02-01T10";
    await store.add({ keyId, model: "m", hour, counters: counters(5) });
    const stub = env.USAGE.get(env.USAGE.idFromName(keyId));
    const before = await runInDurableObject(stub, (instance: SluiceUsage) => instance);
    await evictDurableObject(stub);
    const after = await runInDurableObject(stub, (instance: SluiceUsage) => instance);
    expect(after).not.toBe(before);
    await store.add({ keyId, model: "m", hour, counters: counters(1) });
    expect(await store.query({ keyId, from: hour, to: hour })).toEqual([
      { keyId, model: "m", hour, counters: { ...counters(6), requests: 2 } },
    ]);
    const other = env.USAGE.get(env.USAGE.idFromName(`${keyId}-other`));
    expect(await other.query(keyId, hour, hour)).toEqual([]);
  });

  test("large costs stay exact (64-bit INTEGER values, below 2^53)", async () => {
    const keyId = `usage-big-${crypto.randomUUID()}`;
    const hour = "2026-02-02T00";
    const big = 4_000_000_000_000_001; // 4 million dollars and one nano-dollar
    const add = () =>
      store.add({ keyId, model: "m", hour, counters: { ...emptyCounters(), costNanoUsd: big } });
    await add();
    await add();
    expect((await store.query({ keyId, from: hour, to: hour }))[0]?.counters.costNanoUsd).toBe(2 * big);
  });

  test("an every-key query finds a key whose index mark was written by another isolate", async () => {
    // A fresh store has an empty per-isolate memory, as a new isolate would: the index object answers.
    const keyId = `usage-index-${crypto.randomUUID()}`;
    await durableObjectUsageStore(env.USAGE).add({
      keyId,
      model: "m",
      hour: "2031-05-06T07",
      counters: counters(1),
    });
    const rows = await durableObjectUsageStore(env.USAGE).query({
      from: "2031-05-06T00",
      to: "2031-05-06T23",
    });
    expect(rows.filter((r) => r.keyId === keyId)).toHaveLength(1);
  });
});

describe("SluiceUsage store: housekeeping", () => {
  // Each case keeps to its own century: a rollup or prune visits every key with days before its cutoff.
  const hourly = (day: string, hours: number[]) => hours.map((h) => `${day}T${String(h).padStart(2, "0")}`);

  test("an add for a day already rolled up lands in the day's T00 row, so no hourly row hides behind the index", async () => {
    const keyId = `usage-late-${crypto.randomUUID()}`;
    const day = "1899-03-04";
    for (const hour of hourly(day, [1, 2]))
      await store.add({ keyId, model: "m", hour, counters: counters(1) });
    expect(await store.rollup!("1899-03-05")).toMatchObject({ rows: 2 });
    await store.add({ keyId, model: "m", hour: `${day}T05`, counters: counters(4) });
    expect(await store.rollup!("1899-03-05")).toEqual({ rows: 0, more: false });
    expect(await store.query({ keyId, from: `${day}T00`, to: `${day}T23` })).toEqual([
      { keyId, model: "m", hour: `${day}T00`, counters: { ...counters(6), requests: 3 } },
    ]);
  });

  test("one step visits at most keysPerRun key objects and says more; the next runs finish", async () => {
    const limited = durableObjectUsageStore(env.USAGE, { keysPerRun: 2 });
    const day = "1799-07-08";
    const keys = Array.from({ length: 5 }, (_, i) => `usage-limit-${i}-${crypto.randomUUID()}`);
    for (const keyId of keys) {
      for (const hour of hourly(day, [3, 9]))
        await limited.add({ keyId, model: "m", hour, counters: counters(2) });
    }
    const hoursOf = async (keyId: string) =>
      (await limited.query({ keyId, from: `${day}T00`, to: `${day}T23` })).map((r) => r.hour).sort();
    const first = await limited.rollup!("1799-07-09");
    expect(first).toEqual({ rows: 4, more: true });
    const rolled = (await Promise.all(keys.map(hoursOf))).filter((h) => h.join() === `${day}T00`);
    expect(rolled).toHaveLength(2);
    let runs = 1;
    for (let more = true; more; runs++) more = (await limited.rollup!("1799-07-09")).more;
    expect(runs).toBe(3); // 2 + 2 + 1 keys
    for (const keyId of keys) {
      expect(await limited.query({ keyId, from: `${day}T00`, to: `${day}T23` })).toEqual([
        { keyId, model: "m", hour: `${day}T00`, counters: { ...counters(4), requests: 2 } },
      ]);
    }
    expect(await limited.prune!("1799-07-09")).toEqual({ rows: 2, more: true });
    while ((await limited.prune!("1799-07-09")).more);
    expect(await limited.query({ from: `${day}T00`, to: `${day}T23` })).toEqual([]);
  });

  test("a key with a long backlog folds a month of days per visit and says more", async () => {
    const keyId = `usage-backlog-${crypto.randomUUID()}`;
    const start = Date.UTC(1699, 0, 1);
    const days = Array.from({ length: 40 }, (_, i) =>
      new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    );
    for (const day of days) await store.add({ keyId, model: "m", hour: `${day}T12`, counters: counters(1) });
    expect(await store.rollup!("1700-01-01")).toEqual({ rows: 31, more: true });
    expect(await store.rollup!("1700-01-01")).toEqual({ rows: 9, more: false });
    const rows = await store.query({ keyId, from: `${days[0]}T00`, to: `${days.at(-1)}T23` });
    expect(rows.map((r) => r.hour).sort()).toEqual(days.map((d) => `${d}T00`));
  });
});
