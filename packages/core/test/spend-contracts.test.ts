/**
 * The key-store and usage-store contracts: the memory stores pass, and deliberately broken stores fail the
 * case aimed at them (so the suites adapters run can fail).
 */
import { describe, expect, it } from "vitest";
import { memoryKeyStore, memoryUsageStore } from "../src/memory/index.js";
import type { ClientKeyRecord, KeyStore, UsageRow, UsageStore } from "../src/ports/index.js";
import { addCounters, counterEntries, dayRowHour, emptyCounters } from "../src/ports/usage.js";
import { keyStoreContract, usageStoreContract } from "../src/testing/index.js";
import { failedCases } from "./failed-cases.js";

const nextDayOf = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe("memory spend stores pass their contracts", () => {
  for (const c of keyStoreContract(() => memoryKeyStore())) it(c.name, c.run);
  for (const c of usageStoreContract(() => memoryUsageStore())) it(c.name, c.run);
});

/** Wraps the memory store, changing one behaviour. */
function broken(change: (inner: ReturnType<typeof memoryKeyStore>) => Partial<KeyStore>): KeyStore {
  const inner = memoryKeyStore();
  return { ...inner, ...change(inner) };
}

describe("broken key stores fail the key-store contract", () => {
  it("a store that ignores delete fails the revocation case, and only it", async () => {
    const failed = await failedCases(keyStoreContract(() => broken(() => ({ delete: async () => {} }))));
    expect(failed).toEqual([expect.stringMatching(/delete revokes/)]);
  });

  it("a store that merges updates instead of replacing fails the update and flags cases", async () => {
    const failed = await failedCases(
      keyStoreContract(() =>
        broken((inner) => ({
          async put(record: ClientKeyRecord) {
            const old = await inner.get(record.id);
            await inner.put({ ...old, ...record });
          },
        })),
      ),
    );
    expect(failed).toEqual([
      expect.stringMatching(/put replaces/),
      expect.stringMatching(/disabled and expiry/),
    ]);
  });

  it("a store that drops the budget fails the round-trip case", async () => {
    const failed = await failedCases(
      keyStoreContract(() =>
        broken((inner) => ({
          put: ({ budget: _, ...rest }: ClientKeyRecord) => inner.put(rest),
        })),
      ),
    );
    expect(failed).toContainEqual(expect.stringMatching(/round-trips by hash/));
  });

  it("a lookup by a wrong hash (store keyed by id) fails the round-trip", async () => {
    const failed = await failedCases(
      keyStoreContract(() => broken((inner) => ({ lookup: (hash: string) => inner.get(hash) }))),
    );
    expect(failed).toContainEqual(expect.stringMatching(/round-trips by hash/));
  });
});

describe("broken usage stores fail the usage contract", () => {
  /** The memory store with one behaviour changed. */
  const brokenUsage = (change: (inner: UsageStore) => Partial<UsageStore>): UsageStore => {
    const inner = memoryUsageStore();
    return { ...inner, ...change(inner) };
  };

  it("a store whose add is a racy read-modify-write fails the concurrency case, and only it", async () => {
    const rows = new Map<string, UsageRow>();
    const id = (r: { keyId: string; model: string; hour: string }) =>
      JSON.stringify([r.keyId, r.model, r.hour]);
    const racy: UsageStore = {
      async query({ keyId, from, to }) {
        return [...rows.values()].filter(
          (r) => r.hour >= from && r.hour <= to && (keyId === undefined || r.keyId === keyId),
        );
      },
      async add(row) {
        counterEntries(row.counters);
        const current = rows.get(id(row))?.counters ?? emptyCounters();
        await new Promise((r) => setTimeout(r, 0));
        rows.set(id(row), {
          ...row,
          counters: addCounters(addCounters(emptyCounters(), current), row.counters),
        });
      },
    };
    const failed = await failedCases(usageStoreContract(() => racy, { housekeeping: false }));
    expect(failed).toEqual([expect.stringMatching(/concurrent adds/)]);
  });

  it("a store that drops error counts fails the sum case", async () => {
    const store = brokenUsage((inner) => ({
      add: (row) => inner.add({ ...row, counters: { ...row.counters, errors: {} } }),
    }));
    expect(await failedCases(usageStoreContract(() => store))).toContainEqual(
      expect.stringMatching(/sum exactly/),
    );
  });

  it("a store whose range leaves out the last hour fails the range cases", async () => {
    const store = brokenUsage((inner) => ({
      query: async (range) => (await inner.query(range)).filter((r) => r.hour < range.to),
    }));
    const failed = await failedCases(usageStoreContract(() => store));
    expect(failed).toContainEqual(expect.stringMatching(/include both ends/));
    expect(failed).toContainEqual(expect.stringMatching(/every key's rows/));
  });

  it("a store that ignores the key filter fails the separation case", async () => {
    const store = brokenUsage((inner) => ({ query: (range) => inner.query({ ...range, keyId: undefined }) }));
    expect(await failedCases(usageStoreContract(() => store))).toContainEqual(
      expect.stringMatching(/separate rows/),
    );
  });

  it("a store that rounds instead of refusing fails the refusal case", async () => {
    const round = (n: number) => Math.max(0, Math.round(n));
    const store = brokenUsage((inner) => ({
      add: (row) => {
        const c = row.counters;
        const counters = { ...c, inputTokens: round(c.inputTokens), outputTokens: round(c.outputTokens) };
        counters.errors = Object.fromEntries(Object.entries(c.errors).map(([k, n]) => [k, round(n)]));
        return inner.add({ ...row, counters });
      },
    }));
    expect(await failedCases(usageStoreContract(() => store))).toEqual([expect.stringMatching(/refused/)]);
  });

  it("a rollup that overwrites the day's T00 row instead of adding to it fails the rollup case, and only it", async () => {
    const store = brokenUsage((inner) => ({
      rollup: async (before) => {
        const old = (await inner.query({ from: "0000-01-01T00", to: `${before}T00` })).filter(
          (r) => r.hour < before,
        );
        await inner.prune!(before);
        const seen = new Set<string>();
        for (const row of old.reverse()) {
          const id = JSON.stringify([row.keyId, row.model, dayRowHour(row.hour)]);
          if (seen.has(id)) continue; // keeps one hour per day: the others are lost
          seen.add(id);
          await inner.add({ ...row, hour: dayRowHour(row.hour) });
        }
        return { rows: old.length, more: false };
      },
    }));
    expect(await failedCases(usageStoreContract(() => store))).toEqual([
      expect.stringMatching(/rollup folds/),
      expect.stringMatching(/racing with a rollup/),
    ]);
  });

  it("a rollup that reads, pauses and writes back loses racing adds and fails the race case, and only it", async () => {
    const store = brokenUsage((inner) => ({
      rollup: async (before) => {
        const old = (await inner.query({ from: "0000-01-01T00", to: `${before}T00` })).filter(
          (r) => r.hour < before,
        );
        await new Promise((r) => setTimeout(r, 5));
        await inner.prune!(before); // also deletes what was added during the pause
        for (const row of old) await inner.add({ ...row, hour: dayRowHour(row.hour) });
        return { rows: old.filter((r) => r.hour !== dayRowHour(r.hour)).length, more: false };
      },
      add: async (row) => {
        await new Promise((r) => setTimeout(r, Math.random() * 10));
        return inner.add(row);
      },
    }));
    expect(await failedCases(usageStoreContract(() => store))).toEqual([
      expect.stringMatching(/racing with a rollup/),
    ]);
  });

  it("a prune that also deletes its cutoff day fails the prune case, and only it", async () => {
    const store = brokenUsage((inner) => ({ prune: (before) => inner.prune!(nextDayOf(before)) }));
    expect(await failedCases(usageStoreContract(() => store))).toEqual([
      expect.stringMatching(/a prune deletes/),
    ]);
  });

  it("a store without rollup and prune fails the housekeeping cases unless told it has none", async () => {
    const store = brokenUsage(() => ({ rollup: undefined, prune: undefined }));
    expect(await failedCases(usageStoreContract(() => store))).toHaveLength(3);
    expect(await failedCases(usageStoreContract(() => store, { housekeeping: false }))).toEqual([]);
  });

  it("a store that splits model names on a separator fails the names case", async () => {
    const store = brokenUsage((inner) => ({
      add: (row) => inner.add({ ...row, model: row.model.split("/")[0]! }),
    }));
    expect(await failedCases(usageStoreContract(() => store))).toEqual([expect.stringMatching(/separators/)]);
  });
});
