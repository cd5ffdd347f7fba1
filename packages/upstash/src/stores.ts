/**
 * The Redis stores of `@sluice/redis` on an `@upstash/redis` client: `upstashRateLimitStore(Redis.fromEnv())`
 * works from any runtime with `fetch` (Vercel, Cloudflare, Deno, Fastly, Node) as the strongly consistent
 * state. The data layout is the one every `@sluice/redis` client reads.
 */
import type { CachePort, RateLimitStore, UsageStore } from "@sluice/core";
import {
  type RedisCacheOptions,
  type RedisKeyStore,
  type RedisKeyStoreOptions,
  type RedisRateLimitOptions,
  type RedisUsageOptions,
  redisCache,
  redisKeyStore,
  redisRateLimitStore,
  redisUsageStore,
} from "@sluice/redis";
import { type UpstashRedis, upstashCommands } from "./client.js";

// Each store takes only the commands it calls (a narrowed client fits), and calls only those on the shim.
const commands = (redis: Partial<UpstashRedis>) => upstashCommands(redis as UpstashRedis);

/** Options of `upstashRateLimitStore`: a key prefix. */
export type UpstashRateLimitOptions = RedisRateLimitOptions;
/** Options of `upstashCache`: a key prefix. */
export type UpstashCacheOptions = RedisCacheOptions;
/** Options of `upstashKeyStore`: a key prefix, and whether lookups read the primary. */
export type UpstashKeyStoreOptions = RedisKeyStoreOptions;
/** Options of `upstashUsageStore`: a key prefix and the retention. */
export type UpstashUsageOptions = RedisUsageOptions;
/** A managed key store: every optional `KeyStore` method is there. */
export type UpstashKeyStore = RedisKeyStore;

/**
 * An exact token bucket: one `EVALSHA` per check (one REST request), `EVAL` after NOSCRIPT.
 *
 * @example
 * ```ts
 * import { Redis } from "@upstash/redis";
 * import { upstashRateLimitStore } from "@sluice/upstash";
 * const rateLimit = upstashRateLimitStore(Redis.fromEnv());
 * createGateway({ secrets, limits: { rate: "60/60s" }, stores: { counters: rateLimit } });
 * ```
 */
export function upstashRateLimitStore(
  redis: Pick<UpstashRedis, "eval" | "evalsha">,
  options?: UpstashRateLimitOptions,
): RateLimitStore {
  return redisRateLimitStore(commands(redis), options);
}

/** The response cache: `SET key value EX ttl`, Redis expires entries itself. */
export function upstashCache(
  redis: Pick<UpstashRedis, "get" | "set" | "del">,
  options?: UpstashCacheOptions,
): CachePort {
  return redisCache(commands(redis), options);
}

/**
 * Managed client keys, strongly consistent: a lookup is one `HGETALL` (or one `EVAL` on the primary with
 * `primaryLookups`), put and delete one script each.
 */
export function upstashKeyStore(
  redis: Pick<UpstashRedis, "eval" | "hgetall">,
  options?: UpstashKeyStoreOptions,
): UpstashKeyStore {
  return redisKeyStore(commands(redis), options);
}

/**
 * Usage counters: an add is one `MULTI`/`EXEC`, a single REST request to `/multi-exec`; housekeeping's
 * `rollup` and `prune` are one `EVALSHA` per key and day.
 */
export function upstashUsageStore(
  redis: Pick<UpstashRedis, "multi" | "smembers" | "hgetall" | "eval" | "evalsha">,
  options?: UpstashUsageOptions,
): UsageStore {
  return redisUsageStore(commands(redis), options);
}
