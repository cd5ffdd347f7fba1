/** Deno-KV-specific behaviour of the key and usage stores beyond the contracts: layout, reads, races. */
import { createClientKey, emptyCounters, sha256Hex } from "@sluice/core";
import { type KvSpendLike, kvKeyStore, kvUsageStore, staticAndManagedKeys } from "../../src/index.ts";
import { assert, assertEquals } from "./assert.ts";

const kv: Deno.Kv = await Deno.openKv(":memory:");
const opts = { sanitizeOps: false, sanitizeResources: false };
let n = 0;
const prefixOf = (label: string) => ["t", `${label}:${n++}`];

/** The same real KV, counting every read call (get, getMany, list). */
function counting(db: Deno.Kv): { kv: KvSpendLike; reads: () => number } {
  let reads = 0;
  const read = <T>(value: T): T => {
    reads++;
    return value;
  };
  return {
    kv: {
      get: (key) => read(db.get(key)),
      getMany: (keys) => read(db.getMany(keys as Deno.KvKey[]) as never),
      list: (selector) => read(db.list(selector)),
      atomic: () => db.atomic(),
    },
    reads: () => reads,
  };
}

Deno.test({
  name: "keys: a record lives under its hash, the id index holds the hash, and a rotation leaves no old hash",
  ...opts,
  async fn() {
    const prefix = prefixOf("layout");
    const store = kvKeyStore(kv, { prefix });
    const { key, record } = await createClientKey({ name: "layout", budget: { tokens: 9, window: "day" } });
    await store.put(record);
    assertEquals(
      (await kv.get<{ id: string }>([...prefix, "hash", record.hash])).value?.id,
      record.id,
      "by hash",
    );
    assertEquals((await kv.get<string>([...prefix, "id", record.id])).value, record.hash, "id index");
    const rotated = { ...record, hash: await sha256Hex("another key") };
    await store.put(rotated);
    assertEquals((await kv.get([...prefix, "hash", record.hash])).value, null, "old hash gone");
    assertEquals((await kv.get<string>([...prefix, "id", record.id])).value, rotated.hash, "index follows");
    const everything: unknown[] = [];
    for await (const entry of kv.list({ prefix })) everything.push(entry.key, entry.value);
    assertEquals(everything.length, 4, "two keys: one record, one index entry");
    assert(!JSON.stringify(everything).includes(key.slice(10)), "the key itself is nowhere in KV");
  },
});

Deno.test({
  name: "keys: lookup is one read; get by id is two",
  ...opts,
  async fn() {
    const { kv: watched, reads } = counting(kv);
    const store = kvKeyStore(watched, { prefix: prefixOf("reads") });
    const { record } = await createClientKey({});
    await store.put(record);
    const before = reads();
    assertEquals((await store.lookup(record.hash))?.id, record.id, "found");
    assertEquals(reads() - before, 1, "reads per lookup");
    assertEquals((await store.lookup(await sha256Hex("unknown")))?.id, undefined, "unknown");
    assertEquals(reads() - before, 2, "one read for a miss too");
    await store.get(record.id);
    assertEquals(reads() - before, 4, "id index, then the record");
  },
});

Deno.test({
  name: "keys: 20 concurrent rotations of one key end with one record and an index that points at it",
  ...opts,
  async fn() {
    const prefix = prefixOf("race");
    const store = kvKeyStore(kv, { prefix });
    const { record } = await createClientKey({});
    await store.put(record);
    const hashes = await Promise.all(Array.from({ length: 20 }, (_, i) => sha256Hex(`rotation ${i}`)));
    await Promise.all(hashes.map((hash) => store.put({ ...record, hash })));
    const records = await store.list();
    assertEquals(records.length, 1, "records left");
    const index = (await kv.get<string>([...prefix, "id", record.id])).value;
    assertEquals(index, records[0]!.hash, "index and record agree");
    assert(hashes.includes(index!), "the winner is one of the rotations");
    for (const hash of [record.hash, ...hashes.filter((h) => h !== index)]) {
      assertEquals(await store.lookup(hash), null, "a losing hash finds nothing");
    }
  },
});

Deno.test({
  name: "keys: a hash that belongs to another id is refused, not taken over",
  ...opts,
  async fn() {
    const store = kvKeyStore(kv, { prefix: prefixOf("owner") });
    const { record } = await createClientKey({ name: "first" });
    await store.put(record);
    const error = await store.put({ ...record, id: "key_other" }).then(
      () => null,
      (e: Error) => e,
    );
    assert(error?.message.includes(record.id), `expected a refusal naming the owner, got ${error?.message}`);
    assertEquals((await store.lookup(record.hash))?.name, "first", "the first record still answers");
    assertEquals(await store.get("key_other"), null, "no second record");
  },
});

Deno.test({
  name: "keys: static SLUICE_KEYS are found without a KV read; managed keys come from KV",
  ...opts,
  async fn() {
    const { kv: watched, reads } = counting(kv);
    const managed = kvKeyStore(watched, { prefix: prefixOf("both") });
    const keys = staticAndManagedKeys(
      { get: (name) => (name === "SLUICE_KEYS" ? "static-key-0001" : undefined) },
      managed,
    );
    const { key, record } = await createClientKey({});
    await keys.put!(record);
    const before = reads();
    assert(await keys.lookup(await sha256Hex("static-key-0001")), "static key found");
    assertEquals(reads(), before, "no KV read for a static key");
    assertEquals((await keys.lookup(await sha256Hex(key)))?.id, record.id, "managed key found");
    assertEquals((await keys.list!()).length, 1, "only managed keys are listed");
  },
});

Deno.test({
  name: "usage: counters are Deno.KvU64 values under typed key parts; bad values are refused and write nothing",
  ...opts,
  async fn() {
    const prefix = prefixOf("usage");
    const store = kvUsageStore(kv, { prefix });
    const counters = { ...emptyCounters(), requests: 1, inputTokens: 5, outputTokens: 6, costNanoUsd: 7 };
    const row = { keyId: "key/u:1", model: "a/b:c", hour: "2026-01-05T09", counters };
    await store.add(row);
    const raw = (await kv.get([...prefix, "rows", "2026-01-05", "key/u:1", "09", "a/b:c", "costNanoUsd"]))
      .value;
    assert(raw instanceof Deno.KvU64 && raw.value === 7n, `a KvU64 of 7, got ${String(raw)}`);
    for (const bad of [{ outputTokens: -1 }, { costNanoUsd: 0.5 }]) {
      const error = await store.add({ ...row, counters: { ...counters, ...bad } }).then(
        () => null,
        (e: Error) => e,
      );
      assert(error instanceof RangeError, `refused: ${JSON.stringify(bad)}`);
    }
    const range = { keyId: row.keyId, from: row.hour, to: row.hour };
    assertEquals((await store.query(range))[0]?.counters.requests, 1, "the refused adds wrote nothing");
    // Past 2^32: sums stay exact well beyond 32-bit counters (a busy key's nano-dollars get there in a day).
    await store.add({ ...row, counters: { ...counters, costNanoUsd: 2 ** 40 } });
    assertEquals((await store.query(range))[0]?.counters.costNanoUsd, 2 ** 40 + 7, "exact sum");
  },
});

globalThis.addEventListener("unload", () => kv.close());
