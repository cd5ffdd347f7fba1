/**
 * @module Sluice on Vercel (Node.js runtime by default, Edge too): the handler, the housekeeping cron route,
 * `process.env` secrets, JSON-log metrics, and the Upstash ports.
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
