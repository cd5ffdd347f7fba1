import { rateLimitContract } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { durableObjectRateLimitStore, type SluiceRateLimiter } from "../src/index.js";

const store = durableObjectRateLimitStore(env.RATE_LIMITER);
const unique = (label: string) => `test:${label}:${crypto.randomUUID()}`;

describe("Durable Object store: core contract (real local SQLite Durable Objects, over RPC)", () => {
  for (const c of rateLimitContract(() => store, { concurrency: 200 })) test(c.name, c.run);
});

describe("Durable Object store: exactness and durability", () => {
  test("400 concurrent takes of mixed cost on 100 tokens admit exactly 100 tokens' worth", async () => {
    const key = unique("mixed");
    const policy = { capacity: 100, refillPerSecond: 0, ttlSeconds: 60 };
    const costs = Array.from({ length: 400 }, (_, i) => (i % 3) + 1);
    const results = await Promise.all(costs.map((cost) => store.take(key, cost, policy)));
    const taken = results.reduce((sum, r, i) => sum + (r.allowed ? (costs[i] ?? 0) : 0), 0);
    // Greedy admission in arrival order can stop short only when the next cost exceeds what is left.
    expect(taken).toBeLessThanOrEqual(100);
    const left = (await store.take(key, 0, policy)).remaining;
    expect(taken + left).toBe(100);
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining < 3)).toBe(true);
  });

  test("a bucket survives eviction of its object: a fresh instance reads it from SQLite", async () => {
    const key = unique("evict");
    const policy = { capacity: 5, refillPerSecond: 0, ttlSeconds: 600 };
    expect((await store.take(key, 4, policy)).remaining).toBe(1);
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    const before = await runInDurableObject(stub, (instance: SluiceRateLimiter) => instance);
    await evictDurableObject(stub);
    const fresh = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    const after = await runInDurableObject(fresh, (instance: SluiceRateLimiter) => instance);
    expect(after).not.toBe(before); // really a new instance: nothing came from memory
    expect((await fresh.take(key, 0, policy)).remaining).toBe(1);
    expect((await store.take(key, 2, policy)).allowed).toBe(false);
  });

  test("one SQLite statement per take once the bucket is known: the write (the object keeps what it wrote)", async () => {
    const key = unique("one-write");
    const policy = { capacity: 10, refillPerSecond: 0, ttlSeconds: 60 };
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    const statements = await runInDurableObject(stub, async (instance: SluiceRateLimiter, state) => {
      const sql = state.storage.sql;
      const seen: string[] = [];
      const exec = sql.exec.bind(sql);
      sql.exec = ((query: string, ...bindings: SqlStorageValue[]) => {
        seen.push(query.split(" ")[0] ?? "");
        return exec(query, ...bindings);
      }) as typeof sql.exec;
      for (let i = 0; i < 3; i++) await instance.take(key, 1, policy);
      return seen;
    });
    expect(statements).toEqual(["SELECT", "INSERT", "INSERT", "INSERT"]);
    expect((await store.take(key, 0, policy)).remaining).toBe(7);
  });

  test("the alarm deletes idle buckets, and only once they would be full again", async () => {
    const key = unique("alarm");
    // Refills 1 token in 10 ms, so the bucket is idle-expired after core's 1 s minimum.
    const policy = { capacity: 1, refillPerSecond: 100, ttlSeconds: 0 };
    await store.take(key, 1, policy);
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    const alarmAt = await runInDurableObject(stub, (_: SluiceRateLimiter, state) => state.storage.getAlarm());
    expect(alarmAt).toBeTypeOf("number");
    // Fired early (run by hand now), the alarm keeps the live bucket and re-arms for its expiry.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.size()).toBe(1);
    const rearmed = await runInDurableObject(stub, (_: SluiceRateLimiter, state) => state.storage.getAlarm());
    expect(rearmed).toBeTypeOf("number");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // The alarm may already have fired on its own by now; if not, run it.
    await runDurableObjectAlarm(stub);
    expect(await stub.size()).toBe(0);
    const none = await runInDurableObject(stub, (_: SluiceRateLimiter, state) => state.storage.getAlarm());
    expect(none).toBeNull();
    // Forgetting it changed nothing: a new take finds a full bucket, as the expired one would have been.
    expect((await store.take(key, 1, policy)).allowed).toBe(true);
  });
});

describe("Durable Object store: salted sharding for hot keys", () => {
  test("shards split capacity and never admit more than the whole bucket", async () => {
    const sharded = durableObjectRateLimitStore(env.RATE_LIMITER, { shards: 4 });
    const key = unique("hot");
    const policy = { capacity: 40, refillPerSecond: 0, ttlSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 200 }, () => sharded.take(key, 1, policy)));
    const admitted = results.filter((r) => r.allowed).length;
    expect(admitted).toBeLessThanOrEqual(40);
    // Each shard is an exact bucket of 10: with 200 random takes every shard is drained (approximate by design
    // when takes are few; here the count per shard is far above 10, so exactly 40 is reached).
    const ids = [0, 1, 2, 3].map((s) => env.RATE_LIMITER.idFromName(`${key}#shard${s}`));
    const left = await Promise.all(
      ids.map((id) =>
        env.RATE_LIMITER.get(id).take(`${key}#shard${ids.indexOf(id)}`, 0, { ...policy, capacity: 10 }),
      ),
    );
    expect(admitted + left.reduce((s, r) => s + r.remaining, 0)).toBe(40);
  });

  test("a deterministic shard choice: the chosen shard's balance times the shard count is reported", async () => {
    const sharded = durableObjectRateLimitStore(env.RATE_LIMITER, { shards: () => 4, random: () => 0.6 });
    const key = unique("pick");
    const result = await sharded.take(key, 1, { capacity: 8, refillPerSecond: 0 });
    expect(result).toEqual({ allowed: true, remaining: 4, retryAfterMs: 0 }); // shard 2 holds 2, has 1 left
    const shard = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${key}#shard2`));
    expect(await shard.size()).toBe(1);
  });
});
