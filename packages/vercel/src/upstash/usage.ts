import {
  addEntry,
  counterEntries,
  daysBetween,
  emptyCounters,
  type UsageRow,
  type UsageStore,
} from "@sluice/core";
import type { UsageCommands } from "./commands.js";

export type { UsageCommands };

export interface UpstashUsageOptions {
  /** Prepended to every key. Default "sluice:usage:". */
  prefix?: string;
  /**
   * Days a key's rows of one day are kept after its last add (Redis expires them). Default 400, so a year
   * of history stays queryable; 0 keeps them forever.
   */
  retentionDays?: number;
}

/**
 * Usage rows on Upstash Redis: one hash per key and UTC day (`<prefix>rows:<day>:<keyId>`) whose fields are
 * `["HH", model, counter]` as JSON (so no key or model name can break the layout), and one set per day of
 * the keys that have rows (`<prefix>keys:<day>`), for the dashboard's every-key view. An add is every
 * `HINCRBY` plus the `SADD` and expiries in one `MULTI`/`EXEC` transaction, a single REST request to
 * `/multi-exec`: concurrent adds from any number of regions all count, and a reader never sees half an add.
 * A query reads one hash per key and day, pipelined.
 *
 * @example
 * ```ts
 * import { Redis } from "@upstash/redis";
 * import { upstashUsageStore } from "@sluice/vercel/upstash";
 * createGateway({ secrets, keys, stores: { usage: upstashUsageStore(Redis.fromEnv()) } });
 * ```
 */
export function upstashUsageStore(
  redis: UsageCommands,
  { prefix = "sluice:usage:", retentionDays = 400 }: UpstashUsageOptions = {},
): UsageStore {
  const rowsOf = (day: string, keyId: string) => `${prefix}rows:${day}:${keyId}`;
  const keysOf = (day: string) => `${prefix}keys:${day}`;
  const ttl = Math.ceil(retentionDays * 86_400);
  return {
    async add({ keyId, model, hour, counters }) {
      // HINCRBY takes 64-bit integers only; this refuses fractions and negatives before anything is sent.
      const entries = counterEntries(counters);
      if (entries.length === 0) return;
      const day = hour.slice(0, 10);
      const tx = redis.multi();
      for (const [field, n] of entries) {
        tx.hincrby(rowsOf(day, keyId), JSON.stringify([hour.slice(11), model, field]), n);
      }
      tx.sadd(keysOf(day), keyId);
      if (retentionDays > 0) {
        tx.expire(rowsOf(day, keyId), ttl);
        tx.expire(keysOf(day), ttl);
      }
      await tx.exec();
    },

    async query({ keyId, from, to }) {
      const days = daysBetween(from, to);
      const keyLists = await Promise.all(
        days.map(async (day) => (keyId !== undefined ? [keyId] : await redis.smembers(keysOf(day)))),
      );
      const reads = days.flatMap((day, i) => keyLists[i]!.map((k) => ({ day, keyId: String(k) })));
      // The client pipelines these into one request.
      const hashes = await Promise.all(
        reads.map((r) => redis.hgetall<Record<string, unknown>>(rowsOf(r.day, r.keyId))),
      );
      const rows = new Map<string, UsageRow>();
      reads.forEach((read, i) => {
        for (const [name, value] of Object.entries(hashes[i] ?? {})) {
          const [hh, model, field] = JSON.parse(name) as [string, string, string];
          const hour = `${read.day}T${hh}`;
          if (hour < from || hour > to) continue;
          const id = JSON.stringify([read.keyId, model, hour]);
          const row = rows.get(id) ?? { keyId: read.keyId, model, hour, counters: emptyCounters() };
          rows.set(id, row);
          // Values beyond 2^53 come back as strings (the client leaves unsafe integers unparsed).
          addEntry(row.counters, field, Number(value));
        }
      });
      return [...rows.values()];
    },
  };
}
