/**
 * What the contracts do not pin down about the Upstash key and usage stores, in Node with the real
 * `@upstash/redis` client over the bridge to redis-server: the commands each call sends (lookup is one
 * read, an add one transaction), what lands in Redis, and the edges of the encoding. The contracts
 * themselves run in EdgeRuntime (contracts.test.ts).
 */
import { createClientKey, emptyCounters, sha256Hex, type UsageCounters } from "@sluice/core";
import { Redis } from "@upstash/redis";
import { describe, expect, inject, it } from "vitest";
import { upstashKeyStore, upstashUsageStore } from "../src/index.js";
import { RespConnection } from "../../redis/test/tooling/resp.js";

const upstash = inject("upstash");
const fresh = () => `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:`;

/** The real client, with every method call it is asked for written down. */
function recordingClient() {
  const calls: string[] = [];
  const redis = new Redis({ url: upstash.url, token: upstash.token, enableTelemetry: false });
  const client = new Proxy(redis, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return value.apply(target, args);
      };
    },
  });
  return { client, calls };
}

describe("upstash key store", () => {
  it("looks a key up with one HGETALL, and keeps only its hash in Redis", async () => {
    const prefix = `sluice:keys:${fresh()}`;
    const { client, calls } = recordingClient();
    const store = upstashKeyStore(client, { prefix });
    const { key, record } = await createClientKey({ name: "123", budget: { tokens: 5, window: "day" } });
    await store.put(record);
    calls.length = 0;
    const found = await store.lookup(await sha256Hex(key));
    expect(calls).toEqual(["hgetall"]);
    // A name that looks like a number comes back a string: values are stored behind a marker.
    expect(found).toEqual(record);
    expect(found?.name).toBe("123");

    const resp = await RespConnection.open(upstash.redisPort);
    try {
      const [keys] = await resp.send([["KEYS", `${prefix}*`]]);
      const names = (keys as Buffer[]).map(String).sort();
      expect(names).toEqual([`${prefix}hash:${record.hash}`, `${prefix}ids`]);
      const dumps = await resp.send(names.map((n) => ["HGETALL", n]));
      const everything = JSON.stringify(dumps.map((d) => (d as Buffer[]).map(String)));
      expect(everything).toContain(record.hash);
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.slice(10));
    } finally {
      resp.close();
    }
  });

  it("with primaryLookups, looks a key up with one EVAL and finds the same record", async () => {
    const { client, calls } = recordingClient();
    const store = upstashKeyStore(client, { prefix: `sluice:keys:${fresh()}`, primaryLookups: true });
    const { key, record } = await createClientKey({ name: "true", allowedModels: ["42"] });
    await store.put(record);
    calls.length = 0;
    expect(await store.lookup(await sha256Hex(key))).toEqual(record);
    expect(calls).toEqual(["eval"]);
    expect(await store.lookup(await sha256Hex("not a key"))).toBeNull();
  });

  it("a hash taken over by another id leaves the first id without a record", async () => {
    const store = upstashKeyStore(new Redis({ url: upstash.url, token: upstash.token }), {
      prefix: `sluice:keys:${fresh()}`,
    });
    const { record: a } = await createClientKey({ name: "a" });
    const { record: b } = await createClientKey({ name: "b" });
    await store.put(a);
    await store.put({ ...b, hash: a.hash });
    expect(await store.lookup(a.hash)).toMatchObject({ id: b.id, name: "b" });
    expect(await store.get(a.id)).toBeNull();
    expect((await store.list()).map((r) => r.id)).toEqual([b.id]);
    await store.delete(a.id); // must not remove b's record
    expect(await store.lookup(a.hash)).toMatchObject({ id: b.id });
  });

  it("concurrent re-keys of one id leave exactly one reachable hash", async () => {
    const store = upstashKeyStore(new Redis({ url: upstash.url, token: upstash.token }), {
      prefix: `sluice:keys:${fresh()}`,
    });
    const { record } = await createClientKey({ name: "rekey" });
    const hashes = await Promise.all(Array.from({ length: 20 }, (_, i) => sha256Hex(`rekey-${i}`)));
    await Promise.all(hashes.map((hash) => store.put({ ...record, hash })));
    const reachable = (await Promise.all(hashes.map((h) => store.lookup(h)))).filter(Boolean);
    expect(reachable.length).toBe(1);
    expect((await store.get(record.id))?.hash).toBe(reachable[0]?.hash);
  });
});

describe("upstash usage store", () => {
  const counters = (extra: Partial<UsageCounters> = {}): UsageCounters => ({
    ...emptyCounters(),
    requests: 1,
    inputTokens: 2,
    outputTokens: 3,
    costNanoUsd: 4_000_000_000_000_000,
    errors: { upstream_timeout: 1 },
    ...extra,
  });

  it("adds in one MULTI/EXEC; sums stay exact up to quadrillions of nano-dollars", async () => {
    const { client, calls } = recordingClient();
    const store = upstashUsageStore(client, { prefix: `sluice:usage:${fresh()}` });
    const row = { keyId: "key_a", model: "gpt-4o", hour: "2026-03-01T09", counters: counters() };
    await store.add(row);
    expect(calls).toEqual(["multi"]);
    await store.add(row);
    expect(await store.query({ keyId: "key_a", from: "2026-03-01T00", to: "2026-03-01T23" })).toEqual([
      {
        ...row,
        counters: counters({
          requests: 2,
          inputTokens: 4,
          outputTokens: 6,
          costNanoUsd: 8_000_000_000_000_000,
          errors: { upstream_timeout: 2 },
        }),
      },
    ]);
    await expect(store.add({ ...row, counters: counters({ inputTokens: 1.5 }) })).rejects.toThrow(
      /whole number/,
    );
  });

  it("keeps a hash per key and day with JSON field names, a set of the day's keys, and the retention on both", async () => {
    const prefix = `sluice:usage:${fresh()}`;
    const store = upstashUsageStore(new Redis({ url: upstash.url, token: upstash.token }), {
      prefix,
      retentionDays: 2,
    });
    await store.add({ keyId: "key:b", model: "a:b", hour: "2026-03-02T07", counters: counters() });
    const resp = await RespConnection.open(upstash.redisPort);
    try {
      const rows = `${prefix}rows:2026-03-02:key:b`;
      const keys = `${prefix}keys:2026-03-02`;
      const [fields, members, ...ttls] = await resp.send([
        ["HKEYS", rows],
        ["SMEMBERS", keys],
        ["TTL", rows],
        ["TTL", keys],
      ]);
      expect((fields as Buffer[]).map(String)).toContain(JSON.stringify(["07", "a:b", "requests"]));
      expect((members as Buffer[]).map(String)).toEqual(["key:b"]);
      for (const ttl of ttls) {
        expect(ttl).toBeGreaterThan(86_400);
        expect(ttl).toBeLessThanOrEqual(2 * 86_400);
      }
    } finally {
      resp.close();
    }
  });
});
