/**
 * The core contract suites on every store, against a real redis-server through the bare RESP client of the
 * test tooling (the adapters run them again through their own clients: node-redis, Upstash REST).
 */
import { cacheContract, keyStoreContract, rateLimitContract, usageStoreContract } from "@sluice/core/testing";
import { afterAll, describe, it } from "vitest";
import { redisCache, redisKeyStore, redisRateLimitStore, redisUsageStore } from "../src/index.js";
import { startRedisServer } from "./tooling/redis-server.js";
import { RespConnection } from "./tooling/resp.js";
import { respCommands } from "./tooling/resp-commands.js";

const server = await startRedisServer();
const connection = await RespConnection.open(server.port);
const redis = respCommands(connection);
afterAll(async () => {
  connection.close();
  await server.stop();
});

describe("@sluice/redis stores on redis-server", () => {
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
