/**
 * `SluiceUsage`: per-key, per-day usage counters in SQLite-backed Durable Objects, one object per client key
 * (`idFromName(keyId)`). Sharding by key keeps the counters off the `SluiceKeys` object, which every request
 * already reads, and spreads the writes: each call adds to its own key's object only.
 *
 * Atomic: an add is one `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` statement, and a Durable
 * Object runs one call's synchronous SQL to the end before the next, so concurrent adds all count.
 */
import type { UsageCounters } from "@sluice/core";
import { DurableObject } from "cloudflare:workers";

/** Counter field → column. Integers only (SQLite INTEGER is 64-bit; JS reads them exactly below 2^53). */
const COLUMNS = {
  requests: "requests",
  inputTokens: "input_tokens",
  outputTokens: "output_tokens",
  cacheReadTokens: "cache_read_tokens",
  cacheWriteTokens: "cache_write_tokens",
  costNanoUsd: "cost_nano_usd",
} as const satisfies Record<keyof UsageCounters, string>;

const FIELDS = Object.keys(COLUMNS) as (keyof UsageCounters)[];
const NAMES = FIELDS.map((f) => COLUMNS[f]);

const UPSERT =
  `INSERT INTO usage (key_id, day, ${NAMES.join(", ")}) VALUES (?, ?, ${NAMES.map(() => "?").join(", ")}) ` +
  `ON CONFLICT(key_id, day) DO UPDATE SET ${NAMES.map((n) => `${n} = ${n} + excluded.${n}`).join(", ")}`;

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
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS usage (key_id TEXT NOT NULL, day TEXT NOT NULL, ${NAMES.map((n) => `${n} INTEGER NOT NULL`).join(", ")}, PRIMARY KEY (key_id, day))`,
    );
  }

  /** Adds `delta` to the day's counters in one statement. */
  add(keyId: string, day: string, delta: UsageCounters): void {
    const values = FIELDS.map((field) => {
      const value = delta[field];
      // Core sends whole numbers; a stray fraction is rounded rather than turning the column into REAL.
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new TypeError(`usage counter ${field} must be a number, got ${String(value)}`);
      return Math.round(value);
    });
    this.ctx.storage.sql.exec(UPSERT, keyId, day, ...values);
  }

  /** The day's counters, or null when nothing was recorded. */
  get(keyId: string, day: string): UsageCounters | null {
    const row = this.ctx.storage.sql
      .exec<Record<string, number>>(
        `SELECT ${NAMES.join(", ")} FROM usage WHERE key_id = ? AND day = ?`,
        keyId,
        day,
      )
      .toArray()[0];
    if (!row) return null;
    return Object.fromEntries(FIELDS.map((f) => [f, Number(row[COLUMNS[f]])])) as unknown as UsageCounters;
  }
}
