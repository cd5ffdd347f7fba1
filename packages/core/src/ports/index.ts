export type { SecretsPort } from "./secrets.js";
export type { BucketPolicy, RateLimitStore, TakeOptions, TakeResult } from "./rate-limit.js";
export type { CachePort } from "./cache.js";
export type { MetricPoint, MetricsSink } from "./metrics.js";
export type { ObjectStore, StoredObject } from "./objects.js";
export type { ClientKeyRecord, KeyStore, ManagedKeyStore, ResourceGrant } from "./keys.js";
export type { HousekeepingStep, UsageCounters, UsageQuery, UsageRow, UsageStore } from "./usage.js";
export type { ResourceStore } from "./resources.js";
