import type { ClientKeyRecord, ManagedKeyStore } from "@sluice/core";
import { KVStore } from "fastly:kv-store";

export interface KvKeyStoreOptions {
  /** Prepended to every entry name, so one KV Store can hold other data too. Default "sluice/keys/". */
  prefix?: string;
}

/** Whether the service has a KV Store of this name (Fastly's constructor throws when it has not). */
export function kvStoreLinked(storeName: string): boolean {
  try {
    new KVStore(storeName);
    return true;
  } catch {
    return false;
  }
}

/** @deprecated Import `ManagedKeyStore` from `@sluice/core`: the one type every managed key store returns. */
export type { ManagedKeyStore };

// Parallel reads while listing: enough to be quick, few enough to stay inside per-request limits.
const LIST_READS_AT_ONCE = 8;

/**
 * Managed client keys in a Fastly KV Store. Each record is written twice, as JSON: under
 * `<prefix>hash/<sha256>` (what auth reads: one `get` per lookup) and under `<prefix>id/<id>` (what the
 * admin API reads and lists). Only the SHA-256 of a key is ever stored; core never hands the key over.
 *
 * Writes are ordered so a failure half-way errs toward refusing keys: the old hash entry goes first, the
 * hash entry is written before the id entry, and a delete removes the hash entry first.
 *
 * **Eventually consistent.** Fastly's KV Store replicates between POPs asynchronously: a revocation or a
 * `disabled` flag is seen at once by later requests served where it was written, and elsewhere only
 * once the change has reached that POP (see the README for what Fastly documents).
 *
 * @example
 * ```ts
 * import { createHandler, kvKeyStore } from "@sluice/fastly";
 * const handle = createHandler({ clients: { keys: kvKeyStore("sluice_keys") } }); // admin API: SLUICE_ADMIN_KEY
 * ```
 */
export function kvKeyStore(storeName = "sluice_keys", options: KvKeyStoreOptions = {}): ManagedKeyStore {
  const prefix = options.prefix ?? "sluice/keys/";
  // Opened on first use: Fastly opens stores only while a request is being handled.
  let store: KVStore | undefined;
  const open = (): KVStore => {
    try {
      store ??= new KVStore(storeName);
    } catch {
      throw new Error(`KV Store "${storeName}" is not linked to this Fastly service.`);
    }
    return store;
  };
  // Hex hashes are safe KV names as they are; ids are encoded, since KV forbids "#;?^|" and newlines.
  const hashKey = (hash: string) => `${prefix}hash/${encodeURIComponent(hash)}`;
  const idKey = (id: string) => `${prefix}id/${encodeURIComponent(id)}`;

  const read = async (name: string): Promise<ClientKeyRecord | null> => {
    const entry = await open().get(name);
    return entry ? (JSON.parse(await entry.text()) as ClientKeyRecord) : null;
  };
  const write = (name: string, record: ClientKeyRecord) => open().put(name, JSON.stringify(record));

  return {
    lookup: (hash) => read(hashKey(hash)),

    async put(record) {
      const previous = await read(idKey(record.id));
      if (previous && previous.hash !== record.hash) await open().delete(hashKey(previous.hash));
      await write(hashKey(record.hash), record);
      await write(idKey(record.id), record);
    },

    get: (id) => read(idKey(id)),

    async list() {
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await open().list({ prefix: `${prefix}id/`, ...(cursor && { cursor }) });
        names.push(...page.list);
        cursor = page.cursor;
      } while (cursor);
      const records: ClientKeyRecord[] = [];
      for (let i = 0; i < names.length; i += LIST_READS_AT_ONCE) {
        const batch = await Promise.all(names.slice(i, i + LIST_READS_AT_ONCE).map(read));
        // An entry deleted between the listing and the read is simply gone.
        for (const record of batch) if (record) records.push(record);
      }
      return records;
    },

    async delete(id) {
      const record = await read(idKey(id));
      if (!record) return;
      await open().delete(hashKey(record.hash)); // refused from here on
      await open().delete(idKey(id));
    },
  };
}
