/** @module Sluice on Deno and Deno Deploy: a `Deno.serve` handler, Deno KV stores (rate limits, cache, managed keys, usage), hourly housekeeping with `Deno.cron`, log-line metrics, S3 objects. */
export { createHandler, type DenoHandler, type DenoHandlerOptions } from "./handler.ts";
export type { EnvLike } from "./env.ts";
export { scheduleHousekeeping, type CronLike, type ScheduleHousekeepingOptions } from "./cron.ts";
export { envSecrets } from "./secrets.ts";
export { kvRateLimitStore, type KvRateLimitOptions } from "./rate-limit.ts";
export { kvCache, CHUNK_BYTES, type KvCacheOptions } from "./cache.ts";
export { kvKeyStore, staticAndManagedKeys, type KvKeyStore, type KvKeyStoreOptions } from "./keys.ts";
export { kvUsageStore, type KvUsageStoreOptions } from "./usage.ts";
export { logMetrics, parseMetricLines, type LogMetricsOptions } from "./metrics.ts";
export type {
  KvLike,
  KvKey,
  KvKeyPart,
  KvAtomicLike,
  KvEntryMaybeLike,
  KvEntryLike,
  KvMutationsLike,
  KvSpendLike,
} from "./kv.ts";
export { s3Objects, type S3ObjectsOptions } from "./objects.ts";
