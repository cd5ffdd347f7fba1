import type { ClientKeyRecord, KeyStore } from "../ports/keys.js";
import { createClientKey } from "../spend/keygen.js";
import { sha256Hex } from "../util/crypto.js";
import { type ContractCase, check, equal, freshKey } from "./assert.js";

/** A record with every field set to a distinct value, so a dropped or mangled field shows. */
async function fullRecord(label: string): Promise<ClientKeyRecord> {
  const { record } = await createClientKey({
    name: `contract ${label} ✓`,
    rateLimit: { limit: 7, windowSeconds: 90 },
    budget: { tokens: 123_456, window: "month" },
    allowedProviders: ["anthropic", "gemini"],
    allowedModels: ["claude-haiku-4-5", "gemini-2.5-flash"],
    expiresAt: 4_102_444_800_123,
    disabled: false,
  });
  // A fresh id per run, so the suite can run against a persistent store.
  return { ...record, id: `${record.id}_${freshKey(label).split(":").slice(2).join("_")}` };
}

const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

type ManagedKeyStore = Required<Pick<KeyStore, "put" | "list" | "delete">> & KeyStore;

function managed(store: KeyStore): ManagedKeyStore {
  check(store.put && store.list && store.delete, "a managed key store needs put, list and delete");
  return store as ManagedKeyStore;
}

/**
 * What every managed key store must do: records round-trip field for field, found by hash, listed,
 * replaced (not merged) on update, gone after delete, and never holding the key itself.
 */
export function keyStoreContract(make: () => KeyStore | Promise<KeyStore>): ContractCase[] {
  return [
    {
      name: "keys: a record round-trips by hash, every field intact",
      async run() {
        const store = managed(await make());
        const record = await fullRecord("roundtrip");
        await store.put(record);
        const found = await store.lookup(record.hash);
        check(found, "lookup(hash) must find the record just put");
        check(same(found, record), `the record must come back unchanged: ${JSON.stringify(found)}`);
        if (store.get) check(same(await store.get(record.id), record), "get(id) returns the same record");
      },
    },
    {
      name: "keys: an unknown hash or id is null",
      async run() {
        const store = managed(await make());
        equal(await store.lookup(await sha256Hex(freshKey("unknown"))), null, "lookup of an unknown hash");
        if (store.get) equal(await store.get(`key_${freshKey("none")}`), null, "get of an unknown id");
      },
    },
    {
      name: "keys: list shows each record once",
      async run() {
        const store = managed(await make());
        const a = await fullRecord("list-a");
        const b = await fullRecord("list-b");
        await store.put(a);
        await store.put(b);
        await store.put(a);
        const listed = (await store.list()).filter((r) => r.id === a.id || r.id === b.id);
        equal(listed.length, 2, "records listed");
        check(
          same(
            listed.find((r) => r.id === b.id),
            b,
          ),
          "a listed record is the whole record",
        );
      },
    },
    {
      name: "keys: put replaces the record (a removed field is gone, a new hash replaces the old)",
      async run() {
        const store = managed(await make());
        const record = await fullRecord("update");
        await store.put(record);
        const { budget: _, ...withoutBudget } = record;
        const newHash = await sha256Hex(freshKey("rekey"));
        const updated: ClientKeyRecord = {
          ...withoutBudget,
          hash: newHash,
          rateLimit: { limit: 1, windowSeconds: 1 },
          allowedModels: ["only-this"],
        };
        await store.put(updated);
        const found = await store.lookup(newHash);
        check(found, "the record is found by its new hash");
        check(same(found, updated), `the update must replace, not merge: ${JSON.stringify(found)}`);
        equal(await store.lookup(record.hash), null, "the old hash no longer finds it");
        equal((await store.list()).filter((r) => r.id === record.id).length, 1, "still one record");
      },
    },
    {
      name: "keys: disabled and expiry round-trip and can be changed back",
      async run() {
        const store = managed(await make());
        const record = await fullRecord("flags");
        await store.put({ ...record, disabled: true, expiresAt: 1_000 });
        const off = await store.lookup(record.hash);
        equal(off?.disabled, true, "disabled");
        equal(off?.expiresAt, 1_000, "expiresAt");
        const { expiresAt: _, ...noExpiry } = record;
        await store.put({ ...noExpiry, disabled: false });
        const on = await store.lookup(record.hash);
        equal(on?.disabled, false, "re-enabled");
        equal(on?.expiresAt, undefined, "expiry removed");
      },
    },
    {
      name: "keys: delete revokes at once (lookup, get and list)",
      async run() {
        const store = managed(await make());
        const record = await fullRecord("delete");
        await store.put(record);
        await store.delete(record.id);
        equal(await store.lookup(record.hash), null, "lookup after delete");
        if (store.get) equal(await store.get(record.id), null, "get after delete");
        check(!(await store.list()).some((r) => r.id === record.id), "not listed after delete");
        await store.delete(record.id); // deleting twice is not an error
      },
    },
    {
      name: "keys: the key itself is never stored, only its SHA-256",
      async run() {
        const store = managed(await make());
        const { key, record } = await createClientKey({ name: "secret-check" });
        await store.put(record);
        const found = await store.lookup(await sha256Hex(key));
        check(found, "the key's SHA-256 finds its record");
        check(/^[0-9a-f]{64}$/.test(found.hash), "the hash is hex SHA-256");
        const everything = JSON.stringify([found, await store.list(), await store.get?.(record.id)]);
        check(!everything.includes(key), "no record may contain the key");
        check(!everything.includes(key.slice(10)), "no record may contain the key's random part");
      },
    },
  ];
}
