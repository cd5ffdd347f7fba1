/**
 * @module Sluice's Redis stores, runtime-neutral: the Lua token bucket, the response cache, managed client
 * keys and usage counters, written against `RedisCommands` so any client fits through a small shim
 * (`@sluice/upstash` for the Upstash REST API, `@sluice/node` for node-redis over TCP).
 */
export type {
  CacheCommands,
  KeyStoreCommands,
  RedisCommands,
  ScriptCommands,
  TransactionCommand,
  UsageCommands,
} from "./commands.js";
export { BUCKET_SCRIPT } from "./bucket-script.js";
export { redisRateLimitStore, type RedisRateLimitOptions } from "./rate-limit.js";
export { redisCache, type RedisCacheOptions } from "./cache.js";
export { redisKeyStore, type RedisKeyStore, type RedisKeyStoreOptions } from "./keys.js";
export { redisUsageStore, type RedisUsageOptions } from "./usage.js";
