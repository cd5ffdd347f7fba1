/** @module Sluice on Cloudflare Workers: the Worker entry, every port on Cloudflare storage, the Durable Object. */
export { createWorker, createHandler, type SluiceHandler } from "./handler.js";
export type { SluiceScheduledHandler } from "./housekeeping.js";
export {
  gatewayOptionsFromEnv,
  ConfigurationError,
  DEFAULT_BINDINGS,
  BASE_URL_VARS,
  type BindingNames,
  type CloudflareOptions,
  type Features,
  type SluiceEnv,
} from "./env.js";
export { envSecrets, findSecretsInVars, SECRET_NAMES } from "./secrets.js";
export { SluiceRateLimiter } from "./durable-objects/rate-limiter.js";
export { SluiceKeys } from "./durable-objects/keys.js";
export { durableObjectKeyStore, type DurableObjectKeyStoreOptions } from "./keys.js";
export { withStaticKeys, type ManagedKeyStore } from "@sluice/core/adapter";
export { durableObjectResourceStore } from "./keys.js";
export { SluiceUsage } from "./durable-objects/usage.js";
export { durableObjectUsageStore, type DurableObjectUsageStoreOptions } from "./usage.js";
export { durableObjectRateLimitStore, type DurableObjectRateLimitOptions } from "./rate-limit.js";
export {
  rateLimitBindingStore,
  type RateLimitBindingLike,
  type RateLimitBindingOptions,
} from "./rate-limit.js";
export { kvCache, KV_MIN_TTL_SECONDS, type KvCacheOptions } from "./cache.js";
export {
  analyticsEngineMetrics,
  isErrorPoint,
  AE_MAX_POINTS_PER_INVOCATION,
  type AnalyticsEngineMetricsOptions,
  type AnalyticsEngineSink,
} from "./metrics.js";
export { toDataPoint, fromDataPoint, fromSqlRow, COLUMNS, type DataPoint } from "./analytics.js";
export { r2Objects, presignR2Upload, type R2PresignOptions } from "./objects.js";
export { SluiceSessions, type SessionCaps, type SessionHistory } from "./features/sessions/durable-object.js";
export {
  conversationSessions,
  SESSION_HEADER,
  SESSION_MESSAGES_HEADER,
  type SessionOptions,
} from "./features/sessions/middleware.js";
// Core's, re-exported: long context from object storage works on every runtime.
export { hydrateObjects, defaultAllow, OBJECT_SCHEME, type HydrateOptions } from "@sluice/core";
export { uploadsHandler, UPLOADS_PATH, type UploadsOptions, type UploadTicket } from "./features/uploads.js";
export {
  requestLog,
  STRIPPED_HEADERS,
  type LogLine,
  type RequestLogOptions,
} from "./features/request-log.js";
export {
  workersAiFetch,
  withOpenAiPlaceholder,
  WORKERS_AI_PLACEHOLDER_KEY,
  type AiBindingLike,
} from "./features/workers-ai.js";
