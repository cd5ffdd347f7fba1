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
export { jsonLogSink, type JsonLogSinkOptions } from "./metrics.js";
export {
  redisFromEnv,
  upstashCache,
  upstashKeyStore,
  upstashRateLimitStore,
  upstashUsageStore,
} from "@sluice/upstash";
export { s3Objects, type S3ObjectsOptions } from "@sluice/s3";
