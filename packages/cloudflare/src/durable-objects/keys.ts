/**
 * `SluiceKeys`: the managed client keys, all in one SQLite-backed Durable Object (one instance, by default
 * named "keys"). One table, the id as primary key and the hash under a UNIQUE index, so a lookup is one
 * indexed read and an update that changes the hash moves it in the same statement. The record itself is kept
 * as JSON: the store never sees the key, only its SHA-256 (a `put` of anything else is refused).
 *
 * Strongly consistent: a Durable Object is one instance with its storage, and each call runs to the end of
 * its synchronous SQL before the next one, so a `delete` is seen by the very next `lookup` from any Worker.
 */
import type { ClientKeyRecord } from "@sluice/core";
import { DurableObject } from "cloudflare:workers";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Refuses a record without an id, or whose hash is not a SHA-256 (say, the key itself). */
export function checkRecord(record: ClientKeyRecord): void {
  if (typeof record?.id !== "string" || record.id === "")
    throw new TypeError("A key record needs a non-empty string id.");
  if (typeof record.hash !== "string" || !SHA256_HEX.test(record.hash))
    throw new TypeError(
      "A key record's hash must be the hex SHA-256 of the key; the key itself is never stored.",
    );
}

interface Row extends Record<string, SqlStorageValue> {
  record: string;
}

/**
 * Durable Object class for `durableObjectKeyStore`. Re-export it from your Worker's entry module and bind it
 * as `KEYS` (`new_sqlite_classes` in a migration).
 *
 * @example
 * export { SluiceKeys, SluiceRateLimiter, SluiceUsage } from "@sluice/cloudflare";
 * // wrangler.jsonc: "durable_objects": { "bindings": [{ "name": "KEYS", "class_name": "SluiceKeys" }] },
 * //                 "migrations": [..., { "tag": "v2", "new_sqlite_classes": ["SluiceKeys", "SluiceUsage"] }]
 */
export class SluiceKeys extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, record TEXT NOT NULL)",
    );
    // Resource ownership (`durableObjectResourceStore`) lives in the same class, so it needs no migration.
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS resources (id TEXT PRIMARY KEY, owner TEXT NOT NULL)");
  }

  /** First claim wins: an existing owner is never replaced. Answers the owner on record. */
  claim(resource: string, owner: string): string {
    this.ctx.storage.sql.exec(
      "INSERT INTO resources (id, owner) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
      resource,
      owner,
    );
    return this.owner(resource)!;
  }

  owner(resource: string): string | null {
    const row = this.ctx.storage.sql
      .exec<{ owner: string }>("SELECT owner FROM resources WHERE id = ?", resource)
      .toArray()[0];
    return row ? row.owner : null;
  }

  forget(resource: string): void {
    this.ctx.storage.sql.exec("DELETE FROM resources WHERE id = ?", resource);
  }

  /** The record whose key hashes to `hash`, or null: one read through the hash index. */
  lookup(hash: string): ClientKeyRecord | null {
    return this.#one("SELECT record FROM keys WHERE hash = ?", hash);
  }

  get(id: string): ClientKeyRecord | null {
    return this.#one("SELECT record FROM keys WHERE id = ?", id);
  }

  list(): ClientKeyRecord[] {
    return this.ctx.storage.sql
      .exec<Row>("SELECT record FROM keys ORDER BY id")
      .toArray()
      .map((row) => JSON.parse(row.record) as ClientKeyRecord);
  }

  /** Inserts or replaces (never merges) the record with this id; its old hash stops finding it. */
  put(record: ClientKeyRecord): void {
    checkRecord(record);
    this.ctx.storage.sql.exec(
      "INSERT INTO keys (id, hash, record) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, record = excluded.record",
      record.id,
      record.hash,
      JSON.stringify(record),
    );
  }

  /** Revokes: the key is refused from the next lookup on. Deleting an unknown id is not an error. */
  delete(id: string): void {
    this.ctx.storage.sql.exec("DELETE FROM keys WHERE id = ?", id);
  }

  #one(query: string, value: string): ClientKeyRecord | null {
    const row = this.ctx.storage.sql.exec<Row>(query, value).toArray()[0];
    return row ? (JSON.parse(row.record) as ClientKeyRecord) : null;
  }
}
