/**
 * The README's ioredis shim (test/readme/ioredis.ts, kept equal by scripts/check-snippets.mjs) as written,
 * pointed at a real redis-server by REDIS_URL: every store's contract suite runs through its `commands`, and
 * its gateway admits a call.
 */
import { cacheContract, keyStoreContract, rateLimitContract, usageStoreContract } from "@sluice/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { redisCache, redisKeyStore, redisRateLimitStore, redisUsageStore } from "../src/index.js";
import { startRedisServer } from "./tooling/redis-server.js";

const server = await startRedisServer();
process.env.REDIS_URL = `redis://127.0.0.1:${server.port}`;
const { client, commands, gateway } = await import("./readme/ioredis.js");
afterAll(async () => {
  await client.quit();
  await server.stop();
  delete process.env.REDIS_URL;
});

describe("README: the ioredis shim", () => {
  const cases = [
    ...rateLimitContract(() => redisRateLimitStore(commands), { concurrency: 50 }),
    ...cacheContract(() => redisCache(commands), { ttlSeconds: 1 }),
    ...keyStoreContract(() => redisKeyStore(commands)),
    ...usageStoreContract(() => redisUsageStore(commands), { concurrency: 50 }),
  ];
  for (const c of cases) it(c.name, () => c.run());

  it("its gateway answers through the ioredis stores", async () => {
    const response = await gateway.fetch(new Request("http://gateway.test/healthz"));
    expect(response.status).toBe(200);
  });
});
