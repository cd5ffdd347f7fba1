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
  for (const c of usageStoreContract(() => store, { concurrency: 200, housekeeping: false }))
    test(c.name, c.run);
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
