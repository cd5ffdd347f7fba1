// ioredis.ts: the stores over ioredis (npm install @sluice/redis @sluice/core ioredis)
import { createGateway, gatewayOptionsFromEnv } from "@sluice/core";
import { type RedisCommands, redisCache, redisRateLimitStore } from "@sluice/redis";
import { Redis } from "ioredis";

export const client = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
export const commands: RedisCommands = {
  eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  evalsha: (sha1, keys, args) => client.evalsha(sha1, keys.length, ...keys, ...args),
  get: (key) => client.get(key),
  set: (key, value, ttlSeconds) => client.set(key, value, "EX", ttlSeconds),
  del: (key) => client.del(key),
  hgetall: (key) => client.hgetall(key),
  smembers: (key) => client.smembers(key),
  // ioredis's transaction takes command names in lower case.
  multi: (commands) => client.multi(commands.map(([name, ...args]) => [name.toLowerCase(), ...args])).exec(),
};
export const gateway = createGateway({
  ...gatewayOptionsFromEnv(process.env),
  limits: { rate: "60/60s" },
  stores: { counters: redisRateLimitStore(commands), cache: redisCache(commands) },
});
