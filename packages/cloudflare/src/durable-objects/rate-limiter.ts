/**
 * The rate limiter's Durable Object. One object per bucket name (`idFromName`), its buckets in the object's
 * SQLite storage, so eviction, restart or relocation loses nothing.
 *
 * Why it can never over-admit: `take` reads, computes (core's `takeFromBucket`) and writes with synchronous
 * `ctx.storage.sql` calls and no `await` in between, so no other call into this object can run in the middle
 * of one take. Input gates would serialize awaited storage calls too; here there is nothing to interleave.
 * The write is durable before the result leaves the object (output gates hold the RPC reply until the
 * implicit transaction commits), so a take that was reported as admitted is never forgotten.
 *
 * One SQLite write per take and no read once a bucket is known: this object is the only writer of its
 * storage, so the copy it keeps in memory (filled from SQLite on first use, updated only after the write
 * returned) is the stored state. A failed commit breaks the object and its memory with it.
 */
import type { BucketPolicy, TakeOptions, TakeResult } from "@sluice/core";
import { type BucketState, bucketTtlMs, takeFromBucket } from "@sluice/core/adapter";
import { DurableObject } from "cloudflare:workers";

interface BucketRow extends Record<string, SqlStorageValue> {
  tokens: number;
  updated_at: number;
  expires_at: number;
}

/**
 * Durable Object class for `durableObjectRateLimitStore`. Re-export it from your Worker's entry module and
 * declare it in wrangler config (`new_sqlite_classes` in a migration):
 *
 * @example
 * export { SluiceRateLimiter } from "@sluice/cloudflare";
 * // wrangler.jsonc: "durable_objects": { "bindings": [{ "name": "RATE_LIMITER", "class_name": "SluiceRateLimiter" }] },
 * //                 "migrations": [{ "tag": "v1", "new_sqlite_classes": ["SluiceRateLimiter"] }]
 */
export class SluiceRateLimiter extends DurableObject {
  /** When the cleanup alarm is set, as far as this instance knows (null: none pending). */
  #alarmAt: number | null | undefined;
  /** The buckets as stored, for the keys this instance has read or written. */
  readonly #buckets = new Map<string, { tokens: number; updatedAt: number; expiresAt: number }>();

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
    );
  }

  /** Core's `RateLimitStore.take`, atomic within this object. Called over RPC by the store. */
  async take(key: string, cost: number, policy: BucketPolicy, options?: TakeOptions): Promise<TakeResult> {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    // Synchronous read-modify-write: nothing else runs in this object until it is done.
    const stored = this.#buckets.get(key) ?? this.#read(key);
    const current: BucketState | undefined =
      stored && stored.expiresAt > now ? { tokens: stored.tokens, updatedAt: stored.updatedAt } : undefined;
    const { state, result } = takeFromBucket(current, cost, policy, now, options);
    const expiresAt = now + bucketTtlMs(state, policy);
    sql.exec(
      "INSERT INTO buckets (key, tokens, updated_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at, expires_at = excluded.expires_at",
      key,
      state.tokens,
      state.updatedAt,
      expiresAt,
    );
    this.#buckets.set(key, { tokens: state.tokens, updatedAt: state.updatedAt, expiresAt });
    await this.#ensureAlarm(expiresAt);
    return result;
  }

  #read(key: string): { tokens: number; updatedAt: number; expiresAt: number } | undefined {
    const row = this.ctx.storage.sql
      .exec<BucketRow>("SELECT tokens, updated_at, expires_at FROM buckets WHERE key = ?", key)
      .toArray()[0];
    return row && { tokens: row.tokens, updatedAt: row.updated_at, expiresAt: row.expires_at };
  }

  /** Deletes buckets nobody touched for their TTL (they would read as full anyway), then re-arms. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM buckets WHERE expires_at <= ?", now);
    for (const [key, bucket] of this.#buckets) if (bucket.expiresAt <= now) this.#buckets.delete(key);
    const next = sql.exec<{ next: number | null }>("SELECT MIN(expires_at) AS next FROM buckets").one().next;
    this.#alarmAt = null;
    if (next !== null) await this.#ensureAlarm(next);
  }

  /** Number of buckets stored: for tests and operators. */
  async size(): Promise<number> {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM buckets").one().n;
  }

  /**
   * At most one alarm write per idle period: an alarm that is already pending stays where it is, and when it
   * fires early (the bucket was used since) it re-arms for the new earliest expiry.
   */
  async #ensureAlarm(at: number): Promise<void> {
    if (this.#alarmAt === undefined) this.#alarmAt = await this.ctx.storage.getAlarm();
    if (this.#alarmAt !== null && this.#alarmAt !== undefined) return;
    this.#alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
