import { emptyCounters, type UsageRow, type UsageStore } from "@sluice/core";
import { addEntry, counterEntries, daysBetween } from "@sluice/core/adapter";
import type { TransactionCommand, UsageCommands } from "./commands.js";
import { pendingScore, usageHousekeeping } from "./usage-housekeeping.js";

export interface RedisUsageOptions {
  /** Prepended to every key. Default "sluice:usage:". */
  prefix?: string;
  /**
   * Days a key's rows of one day are kept after its last add (Redis expires them). Default 400, so a year
   * of history stays queryable; 0 keeps them forever. A backstop for deployments that never run
   * housekeeping: `gateway.housekeeping()` prunes at the gateway's `retention.days` (also 400 by default),
   * and rows go at whichever comes first.
   */
  retentionDays?: number;
  /**
   * Hashes (one key's rows of one day) a `rollup` or `prune` call works through before it stops and reports
   * `more`; it always finishes the day it is on. Default 1,000.
   */
  housekeepingLimit?: number;
}

/**
 * Usage rows on Redis: one hash per key and UTC day (`<prefix>rows:<day>:<keyId>`) whose fields are
 * `["HH", model, counter]` as JSON (so no key or model name can break the layout), and one set per day of
 * the keys that have rows (`<prefix>keys:<day>`), for the dashboard's every-key view, and a sorted set of the
 * days (`<prefix>days`) that housekeeping walks. An add is every `HINCRBY` plus the `SADD`, the `ZADD` and
 * the expiries in one `MULTI`/`EXEC` transaction (on Upstash a single REST request): concurrent adds from any
 * number of regions all count, and a reader never sees half an add. `rollup` folds an old day's hours into
 * its "00" fields and `prune` deletes old days, one Lua script per hash (see usage-housekeeping.ts).
 * A query reads one hash per key and day, concurrently (clients pipeline them). On a Redis Cluster give
 * the prefix a `{tag}` so a transaction's keys share a hash slot.
 *
 * @example
 * ```ts
 * createGateway({ secrets, clients: { keys }, stores: { usage: redisUsageStore(commands) } });
 * ```
 */
export function redisUsageStore(
  redis: UsageCommands,
  { prefix = "sluice:usage:", retentionDays = 400, housekeepingLimit = 1_000 }: RedisUsageOptions = {},
): UsageStore {
  const rowsOf = (day: string, keyId: string) => `${prefix}rows:${day}:${keyId}`;
  const keysOf = (day: string) => `${prefix}keys:${day}`;
  const days = `${prefix}days`;
  const ttl = Math.ceil(retentionDays * 86_400);
  return {
    ...usageHousekeeping(redis, { days, rowsOf, keysOf, limit: housekeepingLimit }),

    async add({ keyId, model, hour, counters }) {
      // HINCRBY takes 64-bit integers only; this refuses fractions and negatives before anything is sent.
      const entries = counterEntries(counters);
      if (entries.length === 0) return;
      const day = hour.slice(0, 10);
      const rows = rowsOf(day, keyId);
      const tx: TransactionCommand[] = entries.map(([field, n]) => [
        "HINCRBY",
        rows,
        JSON.stringify([hour.slice(11), model, field]),
        n,
      ]);
      tx.push(["SADD", keysOf(day), keyId], ["ZADD", days, pendingScore(day), day]);
      if (retentionDays > 0) tx.push(["EXPIRE", rows, ttl], ["EXPIRE", keysOf(day), ttl]);
      await redis.multi(tx);
    },

    async query({ keyId, from, to }) {
      const days = daysBetween(from, to);
      const keyLists = await Promise.all(
        days.map(async (day) => (keyId !== undefined ? [keyId] : await redis.smembers(keysOf(day)))),
      );
      const reads = days.flatMap((day, i) => keyLists[i]!.map((k) => ({ day, keyId: String(k) })));
      // Clients pipeline these (one request on Upstash, one write on TCP).
      const hashes = await Promise.all(reads.map((r) => redis.hgetall(rowsOf(r.day, r.keyId))));
      const rows = new Map<string, UsageRow>();
      reads.forEach((read, i) => {
        for (const [name, value] of Object.entries(hashes[i] ?? {})) {
          const [hh, model, field] = JSON.parse(name) as [string, string, string];
          const hour = `${read.day}T${hh}`;
          if (hour < from || hour > to) continue;
          const id = JSON.stringify([read.keyId, model, hour]);
          const row = rows.get(id) ?? { keyId: read.keyId, model, hour, counters: emptyCounters() };
          rows.set(id, row);
          // Strings over TCP; numbers from a JSON-parsing client, which leaves unsafe integers as strings.
          addEntry(row.counters, field, Number(value));
        }
      });
      return [...rows.values()];
    },
  };
}
