/**
 * `SluiceUsage`: usage rows (key × model × UTC hour) in SQLite-backed Durable Objects, one object per client
 * key (`idFromName(keyId)`). Sharding by key keeps the counters off the `SluiceKeys` object, which every
 * request already reads, and spreads the writes: each call adds to its own key's object only. One more object
 * of the class, the index, lists which keys have rows on which day, so "every key" can be read.
 *
 * One SQLite row per counter (`field`, `n`): a new counter or failure name needs no schema change. An add is
 * one `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` per non-zero counter inside one synchronous
 * transaction, and a Durable Object runs one call's synchronous SQL to the end before the next, so
 * concurrent adds all count and a reader never sees half an add.
 */
import { emptyCounters, type UsageRow } from "@sluice/core";
import { addEntry, counterEntries } from "@sluice/core/adapter";
import { DurableObject } from "cloudflare:workers";

const SCHEMA = [
  // Integers only: SQLite INTEGER is 64-bit and JS reads it exactly below 2^53.
  "CREATE TABLE IF NOT EXISTS usage_rows (key_id TEXT NOT NULL, hour TEXT NOT NULL, model TEXT NOT NULL, field TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key_id, hour, model, field))",
  "CREATE TABLE IF NOT EXISTS usage_keys (day TEXT NOT NULL, key_id TEXT NOT NULL, PRIMARY KEY (day, key_id))",
];

const UPSERT =
  "INSERT INTO usage_rows (key_id, hour, model, field, n) VALUES (?, ?, ?, ?, ?) " +
  "ON CONFLICT(key_id, hour, model, field) DO UPDATE SET n = n + excluded.n";

/**
 * Durable Object class for `durableObjectUsageStore`. Re-export it from your Worker's entry module and bind
 * it as `USAGE` (`new_sqlite_classes` in a migration).
 *
 * @example
 * export { SluiceKeys, SluiceRateLimiter, SluiceUsage } from "@sluice/cloudflare";
 */
export class SluiceUsage extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    for (const statement of SCHEMA) ctx.storage.sql.exec(statement);
  }

  /** Adds the row's counters in one transaction; a fraction or a negative refuses the whole add. */
  add(row: UsageRow): void {
    const entries = counterEntries(row.counters);
    this.ctx.storage.transactionSync(() => {
      for (const [field, n] of entries)
        this.ctx.storage.sql.exec(UPSERT, row.keyId, row.hour, row.model, field, n);
    });
  }

  /** The rows of `keyId` from hour `from` to hour `to`, both included. */
  query(keyId: string, from: string, to: string): UsageRow[] {
    const cursor = this.ctx.storage.sql.exec<{ hour: string; model: string; field: string; n: number }>(
      "SELECT hour, model, field, n FROM usage_rows WHERE key_id = ? AND hour >= ? AND hour <= ?",
      keyId,
      from,
      to,
    );
    const rows = new Map<string, UsageRow>();
    for (const { hour, model, field, n } of cursor) {
      const id = `${hour}\n${model}`;
      const row = rows.get(id) ?? { keyId, model, hour, counters: emptyCounters() };
      rows.set(id, row);
      addEntry(row.counters, field, Number(n));
    }
    return [...rows.values()];
  }

  /** Index object: records that `keyId` has rows on `day`. */
  noteKey(day: string, keyId: string): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO usage_keys (day, key_id) VALUES (?, ?)", day, keyId);
  }

  /** Index object: the keys with rows on any day from `from` to `to`, both included. */
  keysBetween(from: string, to: string): string[] {
    return this.ctx.storage.sql
      .exec<{ key_id: string }>(
        "SELECT DISTINCT key_id FROM usage_keys WHERE day >= ? AND day <= ?",
        from,
        to,
      )
      .toArray()
      .map((r) => r.key_id);
  }
}
