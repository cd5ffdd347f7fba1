import type { ClientKeyRecord, KeyStore } from "../ports/keys.js";

/**
 * Managed client keys in this process's memory, with the full admin capability (put, get, list, delete).
 * Records are copied in and out, so a caller mutating one changes nothing stored. Tests and single-process
 * servers; on the edge use your adapter's store.
 * @example
 * const keys = memoryKeyStore();
 * const gateway = createGateway({ secrets, clients: { keys }, admin: true });
 */
export function memoryKeyStore(initial: ClientKeyRecord[] = []): KeyStore & {
  put(record: ClientKeyRecord): Promise<void>;
  get(id: string): Promise<ClientKeyRecord | null>;
  list(): Promise<ClientKeyRecord[]>;
  delete(id: string): Promise<void>;
} {
  const byId = new Map<string, ClientKeyRecord>();
  const idByHash = new Map<string, string>();
  const copy = (record: ClientKeyRecord): ClientKeyRecord => structuredClone(record);
  const store = {
    async lookup(hash: string) {
      const id = idByHash.get(hash);
      const record = id === undefined ? undefined : byId.get(id);
      return record ? copy(record) : null;
    },
    async put(record: ClientKeyRecord) {
      const previous = byId.get(record.id);
      if (previous) idByHash.delete(previous.hash);
      byId.set(record.id, copy(record));
      idByHash.set(record.hash, record.id);
    },
    async get(id: string) {
      const record = byId.get(id);
      return record ? copy(record) : null;
    },
    async list() {
      return [...byId.values()].map(copy);
    },
    async delete(id: string) {
      const record = byId.get(id);
      if (!record) return;
      byId.delete(id);
      idByHash.delete(record.hash);
    },
  };
  for (const record of initial) void store.put(record);
  return store;
}
