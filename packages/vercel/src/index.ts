/**
 * @module Sluice on Vercel (Node.js runtime by default, Edge too): the handler, the housekeeping cron route,
 * `process.env` secrets, JSON-log metrics, the Upstash stores and the S3 object store (re-exported from
 * `@sluice/upstash`, `@sluice/s3`).
 */
export {
  createEdgeHandler,
  createHandler,
  type EdgeHandler,
  type UpstashClient,
  type VercelHandler,
  type VercelHandlerOptions,
} from "./handler.js";
export { ConfigurationError } from "@sluice/core/adapter";
export { CRON_SECRET, createHousekeepingRoute, type HousekeepingRoute } from "./housekeeping.js";
export { envSecrets } from "./secrets.js";
export { logMetrics, parseMetricLines, type LogMetricsOptions } from "./metrics.js";
export { redisFromEnv } from "@sluice/upstash";
export { upstashRateLimitStore, type UpstashRateLimitOptions } from "./rate-limit.js";
export { upstashCache, type UpstashCacheOptions } from "./cache.js";
export { upstashKeyStore, type UpstashKeyStore, type UpstashKeyStoreOptions } from "./keys.js";
export { upstashUsageStore, type UpstashUsageOptions } from "./usage.js";
export { s3Objects, type S3ObjectsOptions } from "./objects.js";
