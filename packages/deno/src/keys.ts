import type { ClientKeyRecord, ManagedKeyStore, SecretsPort } from "@sluice/core";
import { withStaticKeys } from "@sluice/core/adapter";
import type { KvKey, KvSpendLike } from "./kv.ts";

export interface KvKeyStoreOptions {
  /** Key prefix inside the KV database. Default `["sluice", "keys"]`. */
  prefix?: KvKey;
  /**
   * Commit attempts per `put`/`delete` before giving up. A failed check means another admin write on the same
   * record committed in between; admin writes are rare, so this only matters under a scripted burst. Default 32.
   */
  maxAttempts?: number;
}

/** @deprecated Use `ManagedKeyStore` from `@sluice/core`: the one type every managed key store returns. */
export type KvKeyStore = ManagedKeyStore;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Only JSON-shaped fields are kept: a caller's `undefined`s or extras with functions never reach KV. */
const plain = (record: ClientKeyRecord): ClientKeyRecord => JSON.parse(JSON.stringify(record));

/**
 * Managed client keys in Deno KV. Each record lives under `[...prefix, "hash", <sha256>]`, so the lookup on
 * every request is one strongly consistent read; `[...prefix, "id", <id>]` holds the record's hash, so the
 * admin API can find, replace and revoke by id. Both keys change in one `atomic()` commit, guarded by
 * versionstamp checks: a reader never sees a record without its index or the reverse. Only the key's SHA-256
 * is ever stored (the admin API hands this store records, never keys).
 *
 * @example
 * const kv = await Deno.openKv();
 * const gateway = createGateway({ secrets, clients: { keys: kvKeyStore(kv) }, stores: { counters: kvRateLimitStore(kv) } });
 */
export function kvKeyStore(kv: KvSpendLike, options: KvKeyStoreOptions = {}): ManagedKeyStore {
  const prefix = options.prefix ?? ["sluice", "keys"];
  const maxAttempts = options.maxAttempts ?? 32;
  const byHash = (hash: string): KvKey => [...prefix, "hash", hash];
  const byId = (id: string): KvKey => [...prefix, "id", id];

  /** Runs one optimistic write until its checks hold; `attempt` answers false when its checks failed. */
  async function retry(what: string, attempt: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < maxAttempts; i++) {
      if (await attempt()) return;
      await pause(Math.random() * Math.min(2 ** i, 25));
    }
    throw new Error(`Deno KV key store: ${what} still contended after ${maxAttempts} attempts.`);
  }

  return {
    async lookup(hash) {
      return (await kv.get<ClientKeyRecord>(byHash(hash))).value;
    },

    async put(record) {
      const value = plain(record);
      await retry(`put ${record.id}`, async () => {
        const [index, owner] = await kv.getMany<[string, ClientKeyRecord]>([
          byId(record.id),
          byHash(record.hash),
        ]);
        // Two ids sharing one hash would make a key authenticate as whichever was written last.
        if (owner.value && owner.value.id !== record.id) {
          throw new Error(`Deno KV key store: that key hash already belongs to ${owner.value.id}.`);
        }
        const op = kv
          .atomic()
          .check(
            { key: byId(record.id), versionstamp: index.versionstamp },
            { key: byHash(record.hash), versionstamp: owner.versionstamp },
          );
        // A new hash (the key was rotated): the old one must stop finding the record in the same commit.
        if (index.value && index.value !== record.hash) op.delete(byHash(index.value));
        op.set(byHash(record.hash), value).set(byId(record.id), record.hash);
        return (await op.commit()).ok;
      });
    },

    async get(id) {
      const hash = (await kv.get<string>(byId(id))).value;
      if (!hash) return null;
      const record = (await kv.get<ClientKeyRecord>(byHash(hash))).value;
      return record && record.id === id ? record : null;
    },

    async list() {
      const records: ClientKeyRecord[] = [];
      for await (const entry of kv.list<ClientKeyRecord>({ prefix: [...prefix, "hash"] })) {
        records.push(entry.value);
      }
      return records;
    },

    async delete(id) {
      await retry(`delete ${id}`, async () => {
        const index = await kv.get<string>(byId(id));
        if (!index.value) return true;
        const op = kv
          .atomic()
          .check({ key: byId(id), versionstamp: index.versionstamp })
          .delete(byId(id))
          .delete(byHash(index.value));
        return (await op.commit()).ok;
      });
    },
  };
}

/**
 * @deprecated Use `withStaticKeys(managed, secrets)` from `@sluice/core/adapter`: the same key set, written
 * once for every adapter (static `SLUICE_KEYS` first, then the managed store).
 */
export function staticAndManagedKeys(secrets: SecretsPort, managed: ManagedKeyStore): ManagedKeyStore {
  return withStaticKeys(managed, secrets);
}
