/** @module Sluice on Vercel Edge: the handler, `process.env` secrets, JSON-log metrics, and the Upstash ports. */
export {
  createEdgeHandler,
  type EdgeHandler,
  type UpstashClient,
  type VercelHandlerOptions,
} from "./handler.js";
export { envSecrets } from "./secrets.js";
export { jsonLogSink, type JsonLogSinkOptions } from "./log-sink.js";
export {
  upstashCache,
  upstashKeyStore,
  upstashRateLimitStore,
  upstashUsageStore,
} from "./upstash/index.js";
