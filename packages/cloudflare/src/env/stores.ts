/** The storage ports a Worker's bindings provide: rate limits, cache, metrics, objects, managed keys, usage. */
import type {
  CachePort,
  MetricsSink,
  ObjectStore,
  RateLimitStore,
  ResourceGrant,
  ResourceStore,
  SecretsPort,
  UsageStore,
} from "@sluice/core";
import { kvCache } from "../cache.js";
import type { SluiceKeys } from "../keys/durable-object.js";
import { durableObjectKeyStore, type ManagedKeyStore, withStaticKeys } from "../keys/store.js";
import { durableObjectResourceStore } from "../resources/store.js";
import { analyticsEngineMetrics } from "../metrics.js";
import { r2Objects } from "../objects.js";
import { rateLimitBindingStore } from "../rate-limit/binding.js";
import { durableObjectRateLimitStore } from "../rate-limit/store.js";
import type { SluiceUsage } from "../usage/durable-object.js";
import { durableObjectUsageStore } from "../usage/store.js";
import { type BindingNames, binding, ConfigurationError, namespaceBinding, setting } from "./bindings.js";
import type { CloudflareOptions, Features } from "./options.js";

export interface EnvStores {
  rateLimitKind: Features["rateLimit"];
  rateLimitStore?: RateLimitStore;
  /** The `SLUICE_RATE_LIMIT` setting. */
  rate?: string;
  cache?: CachePort;
  metrics?: MetricsSink;
  objects?: ObjectStore;
  keys?: ManagedKeyStore;
  resources?: ResourceStore;
  usage?: UsageStore;
}

/** Reads every storage binding; throws a `ConfigurationError` for a setting whose store is missing. */
export function storesFromEnv(
  source: Record<string, unknown>,
  names: BindingNames,
  options: CloudflareOptions<never>,
  secrets: SecretsPort,
  /** The gateway's `staticKeyGrants`, for the `SLUICE_KEYS` keys accepted next to the managed ones. */
  staticGrants: ResourceGrant[] = [],
): EnvStores {
  const namespace = namespaceBinding(source, names.rateLimiter);
  const limiter = namespace
    ? undefined
    : binding<RateLimit>(source, names.rateLimitBinding, "limit", "a rate-limiting binding");
  let rateLimitStore: RateLimitStore | undefined;
  if (namespace) rateLimitStore = durableObjectRateLimitStore(namespace as never, options.rateLimit);
  else if (limiter)
    rateLimitStore = rateLimitBindingStore(limiter, {
      periodSeconds: options.rateLimit?.bindingPeriodSeconds,
    });
  const rate = setting(source, "SLUICE_RATE_LIMIT");
  if (rate && !rateLimitStore) {
    throw new ConfigurationError(
      `SLUICE_RATE_LIMIT is "${rate}" but no rate-limit store is bound. Add to wrangler config a Durable Object binding ` +
        `{ "name": "${names.rateLimiter}", "class_name": "SluiceRateLimiter" } with a migration { "tag": "v1", "new_sqlite_classes": ["SluiceRateLimiter"] } ` +
        `(and export { SluiceRateLimiter } from your entry module), or a "ratelimits" binding named "${names.rateLimitBinding}".`,
    );
  }

  const kv =
    options.cache === false
      ? undefined
      : binding<KVNamespace>(source, names.cache, "getWithMetadata", "a KV namespace");
  const cache = kv ? kvCache(kv) : undefined;

  const dataset =
    options.metrics === false
      ? undefined
      : binding<AnalyticsEngineDataset>(
          source,
          names.metrics,
          "writeDataPoint",
          "an Analytics Engine dataset",
        );
  const metrics = dataset ? analyticsEngineMetrics(dataset, options.metrics || undefined) : undefined;

  const bucket = binding<R2Bucket>(source, names.objects, "head", "an R2 bucket");
  const accountId = setting(source, "R2_ACCOUNT_ID");
  const bucketName = setting(source, "R2_BUCKET_NAME");
  const objects = bucket
    ? r2Objects(bucket, accountId && bucketName ? { presign: { accountId, bucketName, secrets } } : {})
    : undefined;

  const keysNamespace = namespaceBinding<SluiceKeys>(source, names.keys, options.keys === false);
  let keys: ManagedKeyStore | undefined;
  if (keysNamespace) {
    // Budgets and per-key rate limits are buckets with a cost; only the Durable Object store keeps those exactly
    // (the rate-limiting binding counts calls, not tokens, so a budget there would be silently wrong).
    if (!namespace)
      throw new ConfigurationError(
        `Managed keys (env.${names.keys}) need the ${names.rateLimiter} Durable Object for their budgets and rate limits: add ` +
          `{ "name": "${names.rateLimiter}", "class_name": "SluiceRateLimiter" } to "durable_objects" in wrangler config ` +
          `(new_sqlite_classes in a migration) and export { SluiceRateLimiter } from your entry module.`,
      );
    const keyOptions = options.keys || {};
    keys = durableObjectKeyStore(keysNamespace, { name: keyOptions.name });
    if (keyOptions.staticKeys !== false) keys = withStaticKeys(keys, secrets, "SLUICE_KEYS", staticGrants);
  }
  const usageNamespace = namespaceBinding<SluiceUsage>(source, names.usage, options.usage === false);

  return {
    rateLimitKind: namespace ? "durable-object" : limiter ? "rate-limiting-binding" : "off",
    rateLimitStore,
    rate,
    cache,
    metrics,
    objects,
    keys,
    // Who owns each File, Batch or stored Response: the keys' Durable Object class, so no new migration.
    resources: keysNamespace ? durableObjectResourceStore(keysNamespace) : undefined,
    usage: usageNamespace ? durableObjectUsageStore(usageNamespace) : undefined,
  };
}
