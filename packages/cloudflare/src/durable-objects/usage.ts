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
 *
 * Housekeeping (`rollup`, `prune`) is one synchronous transaction per object too. Once a key's object has
 * rolled its days before D up, it remembers D: a late add for such a day goes straight to the day's `T00` row,
 * so no hourly row can appear behind a rollup and the index never has to visit the object for those days again.
 */
import { dayRowHour, emptyCounters, type UsageRow } from "@sluice/core";
import { addEntry, counterEntries } from "@sluice/core/adapter";
import { DurableObject } from "cloudflare:workers";

const SCHEMA = [
  // Integers only: SQLite INTEGER is 64-bit and JS reads it exactly below 2^53.
  "CREATE TABLE IF NOT EXISTS usage_rows (key_id TEXT NOT NULL, hour TEXT NOT NULL, model TEXT NOT NULL, field TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key_id, hour, model, field))",
  "CREATE TABLE IF NOT EXISTS usage_keys (day TEXT NOT NULL, key_id TEXT NOT NULL, PRIMARY KEY (day, key_id))",
  // Key objects: the day before which every day is rolled up ("" none). Index: the same, per key, as last reported.
  "CREATE TABLE IF NOT EXISTS usage_rolled (key_id TEXT PRIMARY KEY, before TEXT NOT NULL)",
];

/** Hourly rows (not a day's `T00` row) before a cutoff; `?` is the cutoff day, "YYYY-MM-DD". */
const HOURLY_BEFORE = "hour < ? AND substr(hour, 12) <> '00'";
/** Where an object keeps its own rollup mark in `usage_rolled`. */
const SELF = "";

const UPSERT =
  "INSERT INTO usage_rows (key_id, hour, model, field, n) VALUES (?, ?, ?, ?, ?) " +
  "ON CONFLICT(key_id, hour, model, field) DO UPDATE SET n = n + excluded.n";

const MARK_ROLLED =
  "INSERT INTO usage_rolled (key_id, before) VALUES (?, ?) " +
  "ON CONFLICT(key_id) DO UPDATE SET before = max(before, excluded.before)";

/**
 * Durable Object class for `durableObjectUsageStore`. Re-export it from your Worker's entry module and bind
 * it as `USAGE` (`new_sqlite_classes` in a migration).
 *
 * @example
 * export { SluiceKeys, SluiceRateLimiter, SluiceUsage } from "@sluice/cloudflare";
 */
export class SluiceUsage extends DurableObject {
  /** Days before this are rolled up in this object: adds for them go to the day's `T00` row. */
  #rolledBefore: string;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    for (const statement of SCHEMA) ctx.storage.sql.exec(statement);
    this.#rolledBefore =
      ctx.storage.sql
        .exec<{ before: string }>("SELECT before FROM usage_rolled WHERE key_id = ?", SELF)
        .toArray()[0]?.before ?? "";
  }

  /** Adds the row's counters in one transaction; a fraction or a negative refuses the whole add. */
  add(row: UsageRow): void {
    const entries = counterEntries(row.counters);
    const hour = row.hour < this.#rolledBefore ? dayRowHour(row.hour) : row.hour;
    this.ctx.storage.transactionSync(() => {
      for (const [field, n] of entries)
        this.ctx.storage.sql.exec(UPSERT, row.keyId, hour, row.model, field, n);
    });
  }

  /**
   * Key object: folds the hourly rows of the days before `before` into each day's `T00` row, at most `maxDays`
   * days in one call (the oldest first). `rows`: hourly rows folded; `before`: the cutoff actually reached.
   */
  rollup(before: string, maxDays: number): { rows: number; more: boolean; before: string } {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      const { cut, more, rows } = this.#firstDays(HOURLY_BEFORE, before, maxDays);
      if (rows > 0) {
        // `WHERE` before `GROUP BY` also keeps SQLite from reading `ON CONFLICT` as a join's `ON`.
        sql.exec(
          "INSERT INTO usage_rows (key_id, hour, model, field, n) " +
            `SELECT key_id, substr(hour, 1, 10) || 'T00', model, field, SUM(n) FROM usage_rows WHERE ${HOURLY_BEFORE} ` +
            "GROUP BY key_id, substr(hour, 1, 10), model, field " +
            "ON CONFLICT(key_id, hour, model, field) DO UPDATE SET n = n + excluded.n",
          cut,
        );
        sql.exec(`DELETE FROM usage_rows WHERE ${HOURLY_BEFORE}`, cut);
      }
      if (cut > this.#rolledBefore) {
        sql.exec(MARK_ROLLED, SELF, cut);
        this.#rolledBefore = cut;
      }
      return { rows, more, before: cut };
    });
  }

  /** Key object: deletes the rows of the days before `before`, at most `maxDays` days in one call. */
  prune(before: string, maxDays: number): { rows: number; more: boolean } {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      const { cut, more, rows } = this.#firstDays("hour < ?", before, maxDays);
      sql.exec("DELETE FROM usage_rows WHERE hour < ?", cut);
      return { rows, more };
    });
  }

  /**
   * The first `maxDays` days whose rows match `where` (one `?`: a day bound) before `before`: the cut to use in
   * their place (the next day when more are left), and how many rows (key × model × hour) they hold.
   */
  #firstDays(where: string, before: string, maxDays: number): { cut: string; more: boolean; rows: number } {
    const sql = this.ctx.storage.sql;
    const days = sql
      .exec<{ day: string }>(
        `SELECT DISTINCT substr(hour, 1, 10) AS day FROM usage_rows WHERE ${where} ORDER BY day LIMIT ?`,
        before,
        maxDays + 1,
      )
      .toArray()
      .map((r) => r.day);
    const more = days.length > maxDays;
    const cut = more ? days[maxDays]! : before;
    const rows = sql
      .exec<{ n: number }>(
        `SELECT COUNT(*) AS n FROM (SELECT DISTINCT key_id, hour, model FROM usage_rows WHERE ${where})`,
        cut,
      )
      .one().n;
    return { cut, more, rows };
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

  /** Index object: up to `limit` keys with rows on a day before `before` that they have not rolled up. */
  keysToRollUp(before: string, limit: number): string[] {
    return this.ctx.storage.sql
      .exec<{ key_id: string }>(
        "SELECT DISTINCT k.key_id FROM usage_keys k LEFT JOIN usage_rolled r ON r.key_id = k.key_id " +
          "WHERE k.day < ? AND k.day >= coalesce(r.before, '') LIMIT ?",
        before,
        limit,
      )
      .toArray()
      .map((r) => r.key_id);
  }

  /** Index object: what key objects reported rolling up (`[keyId, before]`); a mark only moves forward. */
  markRolled(marks: [string, string][]): void {
    this.ctx.storage.transactionSync(() => {
      for (const [keyId, before] of marks) this.ctx.storage.sql.exec(MARK_ROLLED, keyId, before);
    });
  }

  /** Index object: up to `limit` keys with rows on a day before `before`. */
  keysBefore(before: string, limit: number): string[] {
    return this.ctx.storage.sql
      .exec<{ key_id: string }>("SELECT DISTINCT key_id FROM usage_keys WHERE day < ? LIMIT ?", before, limit)
      .toArray()
      .map((r) => r.key_id);
  }

  /** Index object: forgets the days before `before` of keys whose objects have deleted them. */
  forgetBefore(before: string, keyIds: string[]): void {
    this.ctx.storage.transactionSync(() => {
      for (const keyId of keyIds)
        this.ctx.storage.sql.exec("DELETE FROM usage_keys WHERE day < ? AND key_id = ?", before, keyId);
    });
  }
}
