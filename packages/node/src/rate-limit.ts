/**
 * The counters store (rate limits, budgets, the breaker): `@sluice/redis`'s Lua token bucket on Redis's clock,
 * so N gateway processes sharing one Redis (or Valkey, or a Redis Cluster) admit exactly the limit.
 */
export { redisRateLimitStore, type RedisRateLimitOptions } from "@sluice/redis";
