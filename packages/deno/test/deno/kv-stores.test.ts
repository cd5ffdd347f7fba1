/** Deno-KV-specific behaviour beyond the contracts: contention, chunking, expiry checked on read. */
import { CHUNK_BYTES, type KvLike, kvCache, kvRateLimitStore } from "../../src/index.ts";
import { assert, assertEquals } from "./assert.ts";

const kv: Deno.Kv = await Deno.openKv(":memory:");
const opts = { sanitizeOps: false, sanitizeResources: false };
let n = 0;
const fresh = (label: string) => `${label}:${Date.now()}:${n++}`;

/** The same real KV, counting commits that lost their versionstamp check. */
function counting(db: Deno.Kv): { kv: KvLike; lost: () => number } {
  let lost = 0;
  const kv: KvLike = {
    get: (key) => db.get(key),
    getMany: (keys) => db.getMany(keys) as never,
    set: (key, value, o) => db.set(key, value, o),
    delete: (key) => db.delete(key),
    atomic() {
      const op = db.atomic();
      const wrapped = {
        check(...c: Deno.AtomicCheck[]) {
          op.check(...c);
          return wrapped;
        },
        set(key: Deno.KvKey, value: unknown, o?: { expireIn?: number }) {
          op.set(key, value, o);
          return wrapped;
        },
        async commit() {
          const result = await op.commit();
          if (!result.ok) lost++;
          return result;
        },
      };
      return wrapped;
    },
  };
  return { kv, lost: () => lost };
}

Deno.test({
  name: "rate limit: concurrent takes really collide, and every collision is retried to an exact count",
  ...opts,
  async fn() {
    const { kv: watched, lost } = counting(kv);
    const store = kvRateLimitStore(watched);
    const key = fresh("collide");
    const policy = { capacity: 50, refillPerSecond: 0, ttlSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 100 }, () => store.take(key, 1, policy)));
    assertEquals(results.filter((r) => r.allowed).length, 50, "admitted");
    assert(lost() > 0, `expected lost commits under contention, saw ${lost()}`);
    assertEquals((await store.take(key, 0, policy)).remaining, 0, "left in the bucket");
  },
});

Deno.test({
  name: "rate limit: a retry bound below the number of colliding writers fails closed, never over-admits",
  ...opts,
  async fn() {
    const store = kvRateLimitStore(kv, { maxAttempts: 1, maxBackoffMs: 0 });
    const key = fresh("bound");
    const policy = { capacity: 100, refillPerSecond: 0, ttlSeconds: 60 };
    const settled = await Promise.allSettled(Array.from({ length: 50 }, () => store.take(key, 1, policy)));
    const admitted = settled.filter((s) => s.status === "fulfilled" && s.value.allowed).length;
    const failed = settled.filter((s) => s.status === "rejected").length;
    assert(failed > 0, "one attempt cannot serve 50 simultaneous writers");
    assertEquals(admitted + failed, 50, "every take either admitted or failed");
    // The bucket lost exactly what was admitted: failed takes took nothing.
    const left = await kvRateLimitStore(kv).take(key, 0, policy);
    assertEquals(left.remaining, 100 - admitted, "tokens left");
  },
});

Deno.test({
  name: "rate limit: a bucket past its stored expiry counts as new even if KV still returns it",
  ...opts,
  async fn() {
    const key = fresh("stale");
    const policy = { capacity: 3, refillPerSecond: 0, ttlSeconds: 5 };
    await kvRateLimitStore(kv).take(key, 3, policy);
    const later = kvRateLimitStore(kv, { now: () => Date.now() + 6_000 });
    assertEquals((await later.take(key, 0, policy)).remaining, 3, "a forgotten bucket is full");
  },
});

Deno.test({
  name: "cache: bodies over one KV value are chunked and come back byte for byte",
  ...opts,
  async fn() {
    const cache = kvCache(kv);
    const key = fresh("big");
    const body = Uint8Array.from({ length: CHUNK_BYTES * 11 + 123 }, (_, i) => (i * 31 + 7) % 256);
    await cache.set(key, body, 60);
    const back = await cache.get(key);
    assert(back, "a 660 KiB body must be cached");
    assertEquals(back.byteLength, body.byteLength, "size");
    assert(
      back.every((v, i) => v === body[i]),
      "bytes",
    );
    const smaller = Uint8Array.of(1, 2, 3);
    await cache.set(key, smaller, 60);
    assertEquals((await cache.get(key))?.join(), "1,2,3", "a small replacement wins over the chunks");
  },
});

Deno.test({
  name: "cache: bodies over maxBytes are not cached",
  ...opts,
  async fn() {
    const cache = kvCache(kv, { maxBytes: 100_000 });
    const key = fresh("huge");
    await cache.set(key, new Uint8Array(100_001), 60);
    assertEquals(await cache.get(key), null, "not stored");
    await cache.set(key, new Uint8Array(100_000), 60);
    assertEquals((await cache.get(key))?.byteLength, 100_000, "at the limit is stored");
  },
});

Deno.test({
  name: "cache: expiry is checked on read, since KV deletes expired keys lazily",
  ...opts,
  async fn() {
    const key = fresh("lazy");
    await kvCache(kv).set(key, Uint8Array.of(9), 5);
    assert(await kvCache(kv).get(key), "present now");
    const later = kvCache(kv, { now: () => Date.now() + 5_001 });
    assertEquals(await later.get(key), null, "expired by its stored time");
  },
});

globalThis.addEventListener("unload", () => kv.close());
