// Cloudflare's rate-limiting binding, as miniflare runs it locally (test/wrangler.jsonc: limit 3 per 60 s).
// It cannot pass the core contract (no reads, refunds or costs): these tests pin down what it does instead.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { rateLimitBindingStore } from "../src/index.js";

const store = rateLimitBindingStore(env.RATE_LIMIT, { periodSeconds: 60 });
const policy = { capacity: 1000, refillPerSecond: 1000 };
const unique = () => `binding:${crypto.randomUUID()}`;

describe("rate-limiting binding store (approximate)", () => {
  test("the binding's limit applies, not the policy's: the 4th take of 3/60 s is denied for a period", async () => {
    const key = unique();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.take(key, 1, policy));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]?.retryAfterMs).toBe(60_000);
    expect(results.every((r) => Number.isNaN(r.remaining))).toBe(true);
  });

  test("a cost above 1 counts as one hit", async () => {
    const key = unique();
    expect((await store.take(key, 50, policy)).allowed).toBe(true);
    expect((await store.take(key, 50, policy)).allowed).toBe(true);
    expect((await store.take(key, 50, policy)).allowed).toBe(true);
    expect((await store.take(key, 1, policy)).allowed).toBe(false);
  });

  test("cost 0 and refunds make no call; a forced take counts a hit and is always allowed", async () => {
    const key = unique();
    for (let i = 0; i < 5; i++) expect((await store.take(key, 0, policy)).allowed).toBe(true);
    expect((await store.take(key, -3, policy, { force: true })).allowed).toBe(true);
    for (let i = 0; i < 3; i++)
      expect((await store.take(key, 1, policy, { force: true })).allowed).toBe(true);
    // The three forced hits used the binding's 3: a normal take is now denied.
    expect((await store.take(key, 1, policy)).allowed).toBe(false);
    // So it says it cannot take costs exactly: core never leases on it (a lease of N would be one hit).
    expect(store.exactCosts).toBe(false);
  });
});
