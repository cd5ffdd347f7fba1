// Usage counters on their real storage: SQLite-backed Durable Objects (one per key) in workerd, over RPC.
import { usageStoreContract } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { durableObjectUsageStore, type SluiceUsage } from "../src/index.js";

const store = durableObjectUsageStore(env.USAGE);
const counters = (n: number) => ({
  requests: 1,
  inputTokens: n,
  outputTokens: 2 * n,
  cacheReadTokens: 3 * n,
  cacheWriteTokens: 4 * n,
  costNanoUsd: 1_000_000_007 * n,
});

describe("SluiceUsage store: core contract (real local SQLite Durable Objects, over RPC)", () => {
  for (const c of usageStoreContract(() => store, { concurrency: 200 })) test(c.name, c.run);
});

describe("SluiceUsage store: storage", () => {
  test("counters survive eviction, and each key has its own object", async () => {
    const key = `usage-test-${crypto.randomUUID()}`;
    await store.add(key, "2026-02-01", counters(5));
    const stub = env.USAGE.get(env.USAGE.idFromName(key));
    const before = await runInDurableObject(stub, (instance: SluiceUsage) => instance);
    await evictDurableObject(stub);
    const after = await runInDurableObject(stub, (instance: SluiceUsage) => instance);
    expect(after).not.toBe(before);
    await store.add(key, "2026-02-01", counters(1));
    expect(await store.get(key, "2026-02-01")).toEqual({ ...counters(6), requests: 2 });
    const other = env.USAGE.get(env.USAGE.idFromName(`${key}-other`));
    expect(await other.get(key, "2026-02-01")).toBeNull();
  });

  test("large costs stay exact (64-bit INTEGER columns, below 2^53)", async () => {
    const key = `usage-big-${crypto.randomUUID()}`;
    const big = 4_000_000_000_000_001; // 4 million dollars and one nano-dollar
    await store.add(key, "2026-02-02", { ...counters(0), costNanoUsd: big });
    await store.add(key, "2026-02-02", { ...counters(0), costNanoUsd: big });
    expect((await store.get(key, "2026-02-02"))?.costNanoUsd).toBe(2 * big);
  });
});
