/**
 * @module Sluice on self-hosted Node.js: a `node:http` server (streaming, backpressure, client aborts,
 * graceful drain) and Redis, Valkey or Redis Cluster over TCP through node-redis, so N gateway processes
 * behind a load balancer share exact rate limits, budgets, the cache, managed keys and usage.
 */
export { createHandler, type NodeHandler, type NodeHandlerOptions } from "./handler.js";
export type { NodeEnvOptions } from "./env.js";
export { envSecrets } from "./secrets.js";
export { redisRateLimitStore, type RedisRateLimitOptions } from "./rate-limit.js";
export { redisCache, type RedisCacheOptions } from "./cache.js";
export { redisKeyStore, type RedisKeyStore, type RedisKeyStoreOptions } from "./keys.js";
export { redisUsageStore, type RedisUsageOptions } from "./usage.js";
export { s3Objects, type S3ObjectsOptions } from "./objects.js";
export { logMetrics, parseMetricLines, type LogMetricsOptions } from "./metrics.js";
export { nodeRedisCommands, type NodeRedisClient, type NodeRedisMulti } from "./redis.js";
export { serve, type FetchHandler, type NodeServer, type ServeOptions } from "./server.js";
export {
  scheduleHousekeeping,
  type HousekeepingScheduleOptions,
  type HousekeepingTarget,
} from "./housekeeping.js";
export { ConfigurationError } from "@sluice/core/adapter";
