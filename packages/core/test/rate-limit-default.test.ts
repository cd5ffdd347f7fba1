// The rate limiter's default leasing through the whole gateway (real HTTP, the fake upstream): "auto" leases a
// key whose calls pile up behind the store; `lease: false` and stores that cannot take a cost exactly (platform
// rate limiters that count calls) get one store call per request; an explicit lease on such a store is a
// startup error.
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/index.js";
import { memoryRateLimitStore, memorySecrets } from "../src/memory/index.js";
import type { RateLimitStore } from "../src/ports/rate-limit.js";
import { anthropicHeaders, post, type Stack, startStack } from "./helpers.js";

/** A memory store 20 ms away, counting its calls; `exactCosts` as a platform limiter would declare it. */
function distantStore(exactCosts?: false): RateLimitStore & { calls: number } {
  const inner = memoryRateLimitStore();
  const store = {
    calls: 0,
    ...(exactCosts === false ? { exactCosts } : {}),
    async take(...args: Parameters<RateLimitStore["take"]>) {
      store.calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return inner.take(...args);
    },
  };
  return store;
}

const body = JSON.stringify({
  model: "claude-haiku-4-5",
  max_tokens: 8,
  messages: [{ role: "user", content: "lease" }],
});

/** 8 clients on one key, each making `each` calls one after another: 8 calls in flight at a time. */
async function load(stack: Stack, each: number): Promise<number[]> {
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < each; i++) {
        const response = await post(`${stack.url}/anthropic/v1/messages`, body, anthropicHeaders());
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    }),
  );
  return statuses;
}

let fake: FakeUpstream;
const stores = { auto: distantStore(), off: distantStore(), calls: distantStore(false) };
const stacks: Stack[] = [];
let auto: Stack;
let off: Stack;
let calls: Stack;
beforeAll(async () => {
  fake = await startFakeUpstream();
  const rate = "100000/60s"; // 1/16 of it is over 64: "auto" leases 64 tokens at a time
  [auto, off, calls] = await Promise.all([
    startStack({ limits: { rate }, stores: { counters: stores.auto } }, fake),
    startStack({ limits: { rate, lease: false }, stores: { counters: stores.off } }, fake),
    startStack({ limits: { rate }, stores: { counters: stores.calls } }, fake),
  ]);
  stacks.push(auto, off, calls);
});
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  await fake?.close();
});

describe("rate-limit leasing in the default configuration", () => {
  it('"auto": 8 calls at a time on one key, 80 in all, need far fewer store calls than requests', async () => {
    const statuses = await load(auto, 10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(80);
    // The first calls pile up and go to the store one by one until the first lease lands; then 64 at a time.
    expect(stores.auto.calls).toBeLessThan(30);
  });

  it("`lease: false`: one store call per request", async () => {
    const statuses = await load(off, 10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(80);
    expect(stores.off.calls).toBe(80);
  });

  it("a store without exact costs (a platform limiter that counts calls) is never leased", async () => {
    const statuses = await load(calls, 10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(80);
    expect(stores.calls.calls).toBe(80);
  });

  it("an explicit lease on such a store is a startup error that names the fix", () => {
    expect(() =>
      createGateway({
        secrets: memorySecrets({ SLUICE_KEYS: "sk-sluice-test" }),
        stores: { counters: distantStore(false) },
        limits: { rate: "60/60s", lease: { size: 8 } },
      }),
    ).toThrow(/`limits\.lease` needs a rate-limit store that takes exact costs.*turn `limits\.lease` off/);
  });
});
