/** The core contract suites on every `@sluice/redis` store through node-redis over TCP to a real redis-server. */
import { cacheContract, keyStoreContract, rateLimitContract, usageStoreContract } from "@sluice/core/testing";
import { redisCache, redisKeyStore, redisRateLimitStore, redisUsageStore } from "@sluice/redis";
import { createClient } from "redis";
import { afterAll, describe, it } from "vitest";
import { startRedisServer } from "../../redis/test/tooling/redis-server.js";
import { nodeRedisCommands } from "../src/index.js";

const server = await startRedisServer();
const client = await createClient({ url: `redis://127.0.0.1:${server.port}` }).connect();
const redis = nodeRedisCommands(client);
afterAll(async () => {
  await client.close();
  await server.stop();
});

describe("stores over node-redis (TCP) on redis-server", () => {
  const cases = [
    ...rateLimitContract(() => redisRateLimitStore(redis), { concurrency: 200 }),
    ...cacheContract(() => redisCache(redis), { ttlSeconds: 1 }),
    ...keyStoreContract(() => redisKeyStore(redis)),
    ...keyStoreContract(() => redisKeyStore(redis, { primaryLookups: true })).map((c) => ({
      ...c,
      name: `primary lookups: ${c.name}`,
    })),
    ...usageStoreContract(() => redisUsageStore(redis), { concurrency: 100 }),
  ];
  for (const c of cases) it(c.name, () => c.run());
});
