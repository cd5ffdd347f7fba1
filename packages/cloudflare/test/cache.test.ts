import { cacheContract } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { KV_MIN_TTL_SECONDS, kvCache } from "../src/index.js";

const cache = kvCache(env.CACHE);

describe("KV cache: core contract (real local KV), 1 s TTL honoured through the metadata expiry", () => {
  for (const c of cacheContract(() => cache, { ttlSeconds: 1 })) test(c.name, c.run);
});

describe("KV cache: KV's minimum TTL", () => {
  test("a 1 s entry is stored with KV's 60 s minimum but carries its real expiry", async () => {
    const key = `ttl-check:${crypto.randomUUID()}`;
    const before = Date.now();
    await cache.set(key, Uint8Array.of(1, 2, 3), 1);
    const listed = await env.CACHE.list<{ exp: number }>({ prefix: key });
    const entry = listed.keys[0];
    expect(entry?.name).toBe(key);
    // KV's own expiry (seconds since the epoch) is at least 60 s out: it would refuse less.
    expect(entry?.expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + KV_MIN_TTL_SECONDS - 1);
    expect(entry?.metadata?.exp).toBeGreaterThanOrEqual(before + 1000);
    expect(entry?.metadata?.exp).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test("KV itself refuses an expirationTtl under 60 s, which is why the cache rounds up", async () => {
    await expect(env.CACHE.put(`raw:${crypto.randomUUID()}`, "x", { expirationTtl: 1 })).rejects.toThrow(
      /60/,
    );
  });

  test("keys longer than KV's 512 bytes are hashed, and still round-trip", async () => {
    const key = `long:${"k".repeat(600)}`;
    await cache.set(key, Uint8Array.of(9), 60);
    expect(await cache.get(key)).toEqual(Uint8Array.of(9));
    await cache.delete?.(key);
    expect(await cache.get(key)).toBeNull();
  });

  test("a prefix keeps two caches on one namespace apart", async () => {
    const a = kvCache(env.CACHE, { prefix: "a:" });
    const b = kvCache(env.CACHE, { prefix: "b:" });
    await a.set("same", Uint8Array.of(1), 60);
    expect(await b.get("same")).toBeNull();
    expect(await a.get("same")).toEqual(Uint8Array.of(1));
  });
});
