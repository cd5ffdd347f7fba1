import { emptyCounters, type UsageCounters, type UsageStore } from "@sluice/core";
import type { KvKey, KvSpendLike } from "./kv-types.ts";

export interface KvUsageStoreOptions {
  /** Key prefix inside the KV database. Default `["sluice", "usage"]`. */
  prefix?: KvKey;
}

const FIELDS = Object.keys(emptyCounters()) as (keyof UsageCounters)[];

/**
 * Per-key, per-day usage counters in Deno KV: one `Deno.KvU64` per field under
 * `[...prefix, <keyId>, <day>, <field>]`, and each `add` is one `atomic()` commit of `sum` mutations. KV applies
 * a sum inside the commit, with no read and no version check, so concurrent adds never collide, never retry
 * and never lose an update; a reader sees all six fields of an add or none. Counters are unsigned 64-bit
 * integers: a negative or fractional delta is refused rather than wrapped or rounded.
 *
 * @example
 * const kv = await Deno.openKv();
 * const gateway = createGateway({ secrets, keys: kvKeyStore(kv), stores: { usage: kvUsageStore(kv) } });
 */
export function kvUsageStore(kv: KvSpendLike, options: KvUsageStoreOptions = {}): UsageStore {
  const prefix = options.prefix ?? ["sluice", "usage"];
  const keysOf = (keyId: string, day: string): KvKey[] => FIELDS.map((f) => [...prefix, keyId, day, f]);
  return {
    async add(keyId, day, delta) {
      const op = kv.atomic();
      const keys = keysOf(keyId, day);
      FIELDS.forEach((field, i) => {
        const n = delta[field];
        if (!Number.isSafeInteger(n) || n < 0) {
          throw new RangeError(`Deno KV usage store: ${field} must be a whole number ≥ 0, got ${n}.`);
        }
        op.sum(keys[i]!, BigInt(n));
      });
      // A commit of sums has no checks to fail; not ok would mean KV refused the write outright.
      if (!(await op.commit()).ok) throw new Error("Deno KV usage store: the add was not committed.");
    },

    async get(keyId, day) {
      const entries = await kv.getMany<{ value: bigint }[]>(keysOf(keyId, day));
      if (entries.every((e) => e.value === null)) return null;
      const counters = emptyCounters();
      FIELDS.forEach((field, i) => {
        counters[field] = Number(entries[i]?.value?.value ?? 0n);
      });
      return counters;
    },
  };
}
