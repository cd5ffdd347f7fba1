/**
 * @module Sluice on self-hosted Node.js: a `node:http` server (streaming, backpressure, client aborts,
 * graceful drain) and Redis, Valkey or Redis Cluster over TCP through node-redis, so N gateway processes
 * behind a load balancer share exact rate limits, budgets, the cache, managed keys and usage.
 */
export { createHandler, type NodeHandler, type NodeHandlerOptions } from "./handler.js";
export type { NodeEnvOptions } from "./env.js";
export { nodeRedisCommands, type NodeRedisClient, type NodeRedisMulti } from "./redis.js";
export { serve, type FetchHandler, type NodeServer, type ServeOptions } from "./server.js";
export {
  scheduleHousekeeping,
  type HousekeepingScheduleOptions,
  type HousekeepingTarget,
} from "./housekeeping.js";
export { ConfigurationError } from "@sluice/core/adapter";
