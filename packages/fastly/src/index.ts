/** @module Sluice on Fastly Compute: fetch-event handler, Secret/Config Store, backends, ERL, Core Cache, KV Store keys, log metrics. */
export {
  createHandler,
  serve,
  type FastlyHandlerOptions,
  type FastlySetup,
  type FetchEventLike,
  type ManagedKeysOptions,
  type Stores,
} from "./handler.js";
export {
  backendFetch,
  resolveBackend,
  dynamicBackendName,
  type BackendOptions,
  type DynamicBackendSettings,
} from "./backends.js";
export { secretStoreSecrets, fastlySecrets } from "./secrets.js";
export { readSettings, SETTING_KEYS, type FastlySettings } from "./env.js";
export { edgeRateLimitStore, planFor, type EdgeRateLimitOptions, type ErlPlan } from "./rate-limit.js";
export { coreCache, coreCacheStore, type CoreCacheOptions } from "./cache.js";
export { logMetrics, type FastlyLogMetricsOptions } from "./metrics.js";
export { upstashUsageStore, type UpstashUsageOptions } from "./usage.js";
export { s3Objects, type S3ObjectsOptions } from "./objects.js";
export { kvKeyStore, kvStoreLinked, type KvKeyStoreOptions, type ManagedKeyStore } from "./keys.js";
export {
  ensureAbortController,
  ensureRequestSignal,
  SluiceAbortController,
  SluiceAbortSignal,
  type AbortSignalLike,
} from "./abort.js";
