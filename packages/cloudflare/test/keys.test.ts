// The managed key store on its real storage: a SQLite-backed Durable Object in workerd, over RPC.
import { createClientKey, sha256Hex } from "@sluice/core";
import { keyStoreContract } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { durableObjectKeyStore, envSecrets, type SluiceKeys, withStaticKeys } from "../src/index.js";

// Its own object per file run, so records of other test files never show in list().
const name = `keys-test-${crypto.randomUUID()}`;
const store = durableObjectKeyStore(env.KEYS, { name });
const object = () => env.KEYS.get(env.KEYS.idFromName(name));

describe("SluiceKeys store: core contract (real local SQLite Durable Object, over RPC)", () => {
  for (const c of keyStoreContract(() => store)) test(c.name, c.run);
});

describe("SluiceKeys store: storage", () => {
  test("lookup by hash is one read through the hash index, not a scan", async () => {
    const plan = await runInDurableObject(object(), (_: SluiceKeys, state) =>
      state.storage.sql
        .exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT record FROM keys WHERE hash = ?", "x")
        .toArray()
        .map((row) => row.detail)
        .join("; "),
    );
    expect(plan).toMatch(/SEARCH keys USING INDEX/);
  });

  test("records survive eviction: a fresh instance reads them from SQLite", async () => {
    const { key, record } = await createClientKey({ name: "evict", budget: { tokens: 10, window: "day" } });
    await store.put(record);
    const before = await runInDurableObject(object(), (instance: SluiceKeys) => instance);
    await evictDurableObject(object());
    const after = await runInDurableObject(object(), (instance: SluiceKeys) => instance);
    expect(after).not.toBe(before);
    expect(await store.lookup(await sha256Hex(key))).toEqual(record);
  });

  test("a put whose hash is not a SHA-256 (say, the key itself) is refused and nothing is stored", async () => {
    const { key, record } = await createClientKey({ name: "raw" });
    await expect(store.put({ ...record, hash: key })).rejects.toThrow(/hex SHA-256/);
    expect(await store.get(record.id)).toBeNull();
    const rows = await runInDurableObject(object(), (_: SluiceKeys, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM keys").toArray()),
    );
    expect(rows).not.toContain(key);
  });

  test("withStaticKeys: the secret's keys and the managed keys both look up; admin calls reach the store only", async () => {
    const staticKey = "sk-static-only-in-the-secret";
    const combined = withStaticKeys(store, envSecrets({ MY_KEYS: staticKey }), { secretName: "MY_KEYS" });
    const { key, record } = await createClientKey({ name: "managed" });
    await combined.put(record);
    expect((await combined.lookup(await sha256Hex(key)))?.id).toBe(record.id);
    expect((await combined.lookup(await sha256Hex(staticKey)))?.id).toMatch(/^key_/);
    expect(await store.lookup(await sha256Hex(staticKey))).toBeNull();
    await combined.delete(record.id);
    expect(await combined.lookup(await sha256Hex(key))).toBeNull();
  });
});
