/** The storage ports a Worker's bindings provide: rate limits, cache, metrics, objects, managed keys, usage. */
import type {
  CachePort,
  GatewayOptions,
  ManagedKeyStore,
  ResourceGrant,
  MetricsSink,
  ObjectStore,
  RateLimitStore,
  ResourceStore,
  SecretsPort,
  UsageStore,
} from "@sluice/core";
import { readSettings, type Settings, withStaticKeys } from "@sluice/core/adapter";
import { kvCache } from "../cache.js";
import type { SluiceKeys } from "../durable-objects/keys.js";
import { durableObjectKeyStore } from "../keys.js";
import { durableObjectResourceStore } from "../keys.js";
import { analyticsEngineMetrics } from "../metrics.js";
import { r2Objects } from "../objects.js";
import { rateLimitBindingStore } from "../rate-limit.js";
import { durableObjectRateLimitStore } from "../rate-limit.js";
import type { SluiceUsage } from "../durable-objects/usage.js";
import { durableObjectUsageStore } from "../usage.js";
import { type BindingNames, binding, ConfigurationError, namespaceBinding, setting } from "./bindings.js";
import type { CloudflareOptions, Features } from "./options.js";

export interface EnvStores {
  countersKind: Features["counters"];
  counters?: RateLimitStore;
  /** `*_BASE_URL`, `SLUICE_RATE_LIMIT` and `SLUICE_CACHE_TTL`, checked against the stores bound. */
  settings: Settings;
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
  /** The gateway options given in code: `providers` win over `*_BASE_URL`, `staticKeyGrants` go to `SLUICE_KEYS`. */
  given: { providers?: GatewayOptions["providers"]; staticKeyGrants?: ResourceGrant[] } = {},
): EnvStores {
  const namespace = namespaceBinding(source, names.rateLimiter);
  const limiter = namespace
    ? undefined
    : binding<RateLimit>(source, names.rateLimitBinding, "limit", "a rate-limiting binding");
  let counters: RateLimitStore | undefined;
  if (namespace) counters = durableObjectRateLimitStore(namespace as never, options.counters);
  else if (limiter)
    counters = rateLimitBindingStore(limiter, { periodSeconds: options.counters?.bindingPeriodSeconds });
  const kv =
    options.cache === false
      ? undefined
      : binding<KVNamespace>(source, names.cache, "getWithMetadata", "a KV namespace");
  const cache = kv ? kvCache(kv) : undefined;

  const settings = readSettings((name) => setting(source, name), {
    providers: given.providers,
    stores: { counters, cache },
    fix: {
      rateLimit:
        `add to wrangler config a Durable Object binding { "name": "${names.rateLimiter}", "class_name": "SluiceRateLimiter" } ` +
        `with a migration { "tag": "v1", "new_sqlite_classes": ["SluiceRateLimiter"] } (and export { SluiceRateLimiter } ` +
        `from your entry module), or a "ratelimits" binding named "${names.rateLimitBinding}"`,
      cache:
        options.cache === false
          ? "the `cache: false` option turned the cache off"
          : `add { "binding": "${names.cache}", "id": "…" } to "kv_namespaces" in wrangler config`,
    },
  });

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

  const keysNamespace = required(
    namespaceBinding<SluiceKeys>(source, names.keys, options.managedKeys === false),
    options.managedKeys,
    "managedKeys",
    names.keys,
    "SluiceKeys",
  );
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
    const keyOptions = typeof options.managedKeys === "object" ? options.managedKeys : {};
    keys = durableObjectKeyStore(keysNamespace, { name: keyOptions.name });
    if (keyOptions.staticKeys !== false)
      keys = withStaticKeys(keys, secrets, { grants: given.staticKeyGrants ?? [] });
  }
  const usageNamespace = required(
    namespaceBinding<SluiceUsage>(source, names.usage, options.usage === false),
    options.usage,
    "usage",
    names.usage,
    "SluiceUsage",
  );

  return {
    countersKind: namespace ? "durable-object" : limiter ? "rate-limiting-binding" : "off",
    counters,
    settings,
    cache,
    metrics,
    objects,
    keys,
    // Who owns each File, Batch or stored Response: the keys' Durable Object class, so no new migration.
    resources: keysNamespace ? durableObjectResourceStore(keysNamespace) : undefined,
    usage: usageNamespace ? durableObjectUsageStore(usageNamespace) : undefined,
  };
}

/** A feature turned on in code (`true` or its options) whose Durable Object is not bound: the fix, not silence. */
function required<T>(
  namespace: T | undefined,
  option: unknown,
  optionName: string,
  bindingName: string,
  className: string,
): T | undefined {
  if (namespace || option === undefined || option === false) return namespace;
  throw new ConfigurationError(
    `\`${optionName}\` is on but env.${bindingName} is not bound: add { "name": "${bindingName}", "class_name": "${className}" } ` +
      `to "durable_objects" in wrangler config (new_sqlite_classes in a migration) and export { ${className} } from ` +
      `your entry module, or leave \`${optionName}\` unset.`,
  );
}
