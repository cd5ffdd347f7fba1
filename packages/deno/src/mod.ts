/** @module Sluice on Deno and Deno Deploy: a `Deno.serve` handler, Deno KV stores (rate limits, cache, managed keys, usage), log-line metrics, S3 objects. */
export { createHandler, type DenoHandler, type DenoHandlerOptions } from "./handler.ts";
export { envSecrets, optionsFromEnv, ENV_NAMES, type EnvLike } from "./env.ts";
export { kvRateLimitStore, type KvRateLimitOptions } from "./kv-rate-limit.ts";
export { kvCache, CHUNK_BYTES, type KvCacheOptions } from "./kv-cache.ts";
export { staticAndManagedKeys } from "./keys.ts";
export { kvKeyStore, type KvKeyStore, type KvKeyStoreOptions } from "./kv-keys.ts";
export { kvUsageStore, type KvUsageStoreOptions } from "./kv-usage.ts";
export { logMetrics, parseMetricLines, type LogMetricsOptions } from "./log-metrics.ts";
export type {
  KvLike,
  KvKey,
  KvKeyPart,
  KvAtomicLike,
  KvEntryMaybeLike,
  KvEntryLike,
  KvMutationsLike,
  KvSpendLike,
} from "./kv-types.ts";
export { s3Objects, type S3ObjectsOptions } from "./s3-objects.ts";
