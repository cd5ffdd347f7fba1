/**
 * The Lua bucket against core's `takeFromBucket`, step by step on the same random sequence of takes
 * (fractional, zero, negative and forced costs). With refill 0 time plays no part, so results must be equal.
 */
import { type BucketState, takeFromBucket } from "@sluice/core/adapter";
import { afterAll, expect, it } from "vitest";
import { redisRateLimitStore } from "../src/index.js";
import { startRedisServer } from "./tooling/redis-server.js";
import { RespConnection } from "./tooling/resp.js";
import { respCommands } from "./tooling/resp-commands.js";

const server = await startRedisServer();
const connection = await RespConnection.open(server.port);
afterAll(async () => {
  connection.close();
  await server.stop();
});

it("matches takeFromBucket on 300 random takes", async () => {
  const store = redisRateLimitStore(respCommands(connection));
  const policy = { capacity: 7.5, refillPerSecond: 0, ttlSeconds: 60 };
  const key = `mirror:${Date.now()}`;
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  let state: BucketState | undefined;
  for (let i = 0; i < 300; i++) {
    const cost = [0, 1, 2.25, -1.5, 9, 0.1][Math.floor(random() * 6)]!;
    const force = random() < 0.2;
    const expected = takeFromBucket(state, cost, policy, 0, { force });
    state = expected.state;
    const actual = await store.take(key, cost, policy, { force });
    expect({ step: i, ...actual }).toEqual({ step: i, ...expected.result });
  }
});
