import { emptyCounters, type UsageRow, type UsageStore } from "@sluice/core";
import { addEntry, counterEntries, daysBetween } from "@sluice/core/adapter";
import type { KvKey, KvSpendLike } from "./kv.ts";
import { pruneUsage, rollupUsage } from "./usage-housekeeping.ts";

export interface KvUsageStoreOptions {
  /** Key prefix inside the KV database. Default `["sluice", "usage"]`. */
  prefix?: KvKey;
  /**
   * Rows (key × model × hour) one `rollup` or `prune` call handles before it stops and reports `more`; the next
   * run carries on. Bounds the time and KV units an hourly housekeeping run spends. Default 5,000.
   */
  rowsPerRun?: number;
}

/**
 * Usage rows in Deno KV: one `Deno.KvU64` per counter under
 * `[...prefix, "rows", <day>, <keyId>, <"HH">, <model>, <counter>]`, and each `add` is one `atomic()` commit of
 * `sum` mutations (and the day's marker, below). KV applies a sum inside the commit, with no read and no version check, so concurrent adds
 * never collide, never retry and never lose an update; a reader sees all of an add or none. Key parts are
 * typed values, so no key or model name can break the layout. A query lists one prefix per day (and key, when
 * one is named). Counters are unsigned 64-bit integers: a negative or fractional value is refused rather
 * than wrapped or rounded.
 *
 * Each add also sets `[...prefix, "unrolled", <day>]`, a marker of a day with new hourly rows, so that
 * `rollup` (old days into their `T00` row) visits only those days instead of reading every kept row every
 * hour; `prune` deletes whole old days. Both are for `gateway.housekeeping()`.
 *
 * @example
 * const kv = await Deno.openKv();
 * const gateway = createGateway({ secrets, clients: { keys: kvKeyStore(kv) }, stores: { usage: kvUsageStore(kv) } });
 */
export function kvUsageStore(kv: KvSpendLike, options: KvUsageStoreOptions = {}): UsageStore {
  const prefix = options.prefix ?? ["sluice", "usage"];
  const layout = { rows: [...prefix, "rows"], unrolled: [...prefix, "unrolled"] };
  const { rows, unrolled } = layout;
  const rowsPerRun = options.rowsPerRun ?? 5_000;
  if (!Number.isInteger(rowsPerRun) || rowsPerRun < 1) {
    throw new RangeError(`kvUsageStore: rowsPerRun must be a whole number ≥ 1, got ${rowsPerRun}.`);
  }
  return {
    async add({ keyId, model, hour, counters }) {
      let entries: [string, number][];
      try {
        entries = counterEntries(counters);
      } catch (error) {
        throw new RangeError(`Deno KV usage store: ${(error as Error).message}.`);
      }
      const day = hour.slice(0, 10);
      // A blind set, like the sums: concurrent adds never collide on it.
      const op = kv.atomic().set([...unrolled, day], true);
      for (const [field, n] of entries) {
        op.sum([...rows, day, keyId, hour.slice(11), model, field], BigInt(n));
      }
      // A commit of sums has no checks to fail; not ok would mean KV refused the write outright.
      if (!(await op.commit()).ok) throw new Error("Deno KV usage store: the add was not committed.");
    },

    async query({ keyId, from, to }) {
      const found = new Map<string, UsageRow>();
      for (const day of daysBetween(from, to)) {
        const prefix = keyId !== undefined ? [...rows, day, keyId] : [...rows, day];
        for await (const entry of kv.list<{ value: bigint }>({ prefix })) {
          const [rowKey, hh, model, field] = entry.key.slice(rows.length + 1) as string[];
          const hour = `${day}T${hh}`;
          if (hour < from || hour > to || rowKey === undefined || field === undefined) continue;
          const id = JSON.stringify([rowKey, model, hour]);
          const row = found.get(id) ?? { keyId: rowKey, model: model ?? "", hour, counters: emptyCounters() };
          found.set(id, row);
          addEntry(row.counters, field, Number(entry.value.value));
        }
      }
      return [...found.values()];
    },

    rollup: (before) => rollupUsage(kv, layout, before, rowsPerRun),
    prune: (before) => pruneUsage(kv, layout, before, rowsPerRun),
  };
}
