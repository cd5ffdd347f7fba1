/**
 * The key-store and usage-store contracts: the memory stores pass, and deliberately broken stores fail the
 * case aimed at them (so the suites adapters run can fail).
 */
import { describe, expect, it } from "vitest";
import { memoryKeyStore, memoryUsageStore } from "../src/memory/index.js";
import type { ClientKeyRecord, KeyStore, UsageCounters, UsageStore } from "../src/ports/index.js";
import { emptyCounters } from "../src/ports/usage.js";
import { keyStoreContract, usageStoreContract } from "../src/testing/index.js";
import { failedCases } from "./failed-cases.js";

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
  it("a store whose add is a racy read-modify-write fails the concurrency case, and only it", async () => {
    const days = new Map<string, UsageCounters>();
    const racy: UsageStore = {
      async get(keyId, day) {
        return days.get(`${keyId}/${day}`) ?? null;
      },
      async add(keyId, day, delta) {
        const current = days.get(`${keyId}/${day}`) ?? emptyCounters();
        await new Promise((r) => setTimeout(r, 0));
        const next = { ...current };
        for (const f of Object.keys(delta) as (keyof UsageCounters)[]) next[f] += delta[f];
        days.set(`${keyId}/${day}`, next);
      },
    };
    const failed = await failedCases(usageStoreContract(() => racy));
    expect(failed).toEqual([expect.stringMatching(/concurrent adds/)]);
  });
});
