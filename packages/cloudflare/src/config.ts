/**
 * Reads a Worker's `env` into gateway options: which bindings exist decides which features are on, and a
 * binding that exists but is the wrong kind is an error that says what to fix in wrangler config.
 */
import type {
  CachePort,
  GatewayOptions,
  MetricsSink,
  ObjectStore,
  ProviderName,
  RateLimitStore,
} from "@sluice/core";
import { kvCache } from "./cache.js";
import { type AnalyticsEngineMetricsOptions, analyticsEngineMetrics } from "./metrics.js";
import { r2Objects } from "./objects.js";
import { rateLimitBindingStore } from "./rate-limit/binding.js";
import { type DurableObjectRateLimitOptions, durableObjectRateLimitStore } from "./rate-limit/store.js";
import type { SluiceRateLimiter } from "./rate-limit/durable-object.js";
import { envSecrets } from "./secrets.js";

/**
 * Everything `createWorker` reads from `env` under the default binding names, all optional. Handy as the
 * `Env` of a Worker that is only Sluice; with `wrangler types`, use the generated `Env` instead.
 */
export interface SluiceEnv {
  /** Secrets (`wrangler secret put`, `.dev.vars` locally), never `vars`. */
  ANTHROPIC_API_KEY?: string;
  OPENAI_API_KEY?: string;
  GEMINI_API_KEY?: string;
  GROQ_API_KEY?: string;
  CEREBRAS_API_KEY?: string;
  SLUICE_KEYS?: string;
  R2_ACCESS_KEY_ID?: string;
  R2_SECRET_ACCESS_KEY?: string;
  /** Settings (`vars`). */
  ANTHROPIC_BASE_URL?: string;
  OPENAI_BASE_URL?: string;
  GEMINI_BASE_URL?: string;
  GROQ_BASE_URL?: string;
  CEREBRAS_BASE_URL?: string;
  SLUICE_RATE_LIMIT?: string;
  R2_ACCOUNT_ID?: string;
  R2_BUCKET_NAME?: string;
  /** Bindings. */
  RATE_LIMITER?: DurableObjectNamespace<SluiceRateLimiter>;
  RATE_LIMIT?: RateLimit;
  CACHE?: KVNamespace;
  OBJECTS?: R2Bucket;
  METRICS?: AnalyticsEngineDataset;
}

/** Binding names looked up on `env`; each one is optional and its feature is off without it. */
export interface BindingNames {
  /** Durable Object namespace of `SluiceRateLimiter` (exact rate limits). Default "RATE_LIMITER". */
  rateLimiter: string;
  /** Cloudflare rate-limiting binding (`ratelimits`, approximate), used only without the DO. Default "RATE_LIMIT". */
  rateLimitBinding: string;
  /** KV namespace for the response cache. Default "CACHE". */
  cache: string;
  /** R2 bucket for long-context objects. Default "OBJECTS". */
  objects: string;
  /** Analytics Engine dataset for metrics. Default "METRICS". */
  metrics: string;
}

export const DEFAULT_BINDINGS: BindingNames = {
  rateLimiter: "RATE_LIMITER",
  rateLimitBinding: "RATE_LIMIT",
  cache: "CACHE",
  objects: "OBJECTS",
  metrics: "METRICS",
};

/** Non-secret settings read from `env` (`vars`). Provider base URLs override the real endpoints. */
export const BASE_URL_VARS: Record<ProviderName, string> = {
  anthropic: "ANTHROPIC_BASE_URL",
  openai: "OPENAI_BASE_URL",
  gemini: "GEMINI_BASE_URL",
  groq: "GROQ_BASE_URL",
  cerebras: "CEREBRAS_BASE_URL",
};

export interface CloudflareOptions<E = object> {
  bindings?: Partial<BindingNames>;
  /** Options of the Durable Object store (hot-key sharding), and the rate-limiting binding's period. */
  rateLimit?: DurableObjectRateLimitOptions & { bindingPeriodSeconds?: number };
  /** Response cache settings when the KV binding exists; `false` turns it off. Default TTL 300 s. */
  cache?: { ttlSeconds?: number; shared?: boolean } | false;
  /** Analytics Engine sink settings when the dataset binding exists; `false` turns it off. */
  metrics?: AnalyticsEngineMetricsOptions | false;
  /** Anything else for `createGateway`, fixed or computed from `env`; it wins over what is read from env. */
  gateway?: Partial<GatewayOptions> | ((env: E) => Partial<GatewayOptions>);
}

/** Thrown for a wrong or incomplete Worker configuration; its message says what to add to wrangler config. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

export interface Features {
  rateLimit: "durable-object" | "rate-limiting-binding" | "off";
  cache: boolean;
  metrics: boolean;
  objects: boolean;
  presignUpload: boolean;
}

const has = (value: unknown, method: string) =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Record<string, unknown>)[method] === "function";

function binding<T>(env: Record<string, unknown>, name: string, method: string, what: string): T | undefined {
  const value = env[name];
  if (value === undefined || value === null) return undefined;
  if (!has(value, method))
    throw new ConfigurationError(
      `env.${name} is set but is not ${what}: check the "${name}" binding in wrangler config.`,
    );
  return value as T;
}

const setting = (env: Record<string, unknown>, name: string) => {
  const value = env[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
};

/** Everything `createGateway` needs, read from `env`, plus which features ended up on. */
export function gatewayOptionsFromEnv<E extends object>(
  env: E,
  options: CloudflareOptions<E> = {},
): { options: GatewayOptions; features: Features } {
  const source = env as Record<string, unknown>;
  const names = { ...DEFAULT_BINDINGS, ...options.bindings };
  const secrets = envSecrets(env);

  const namespace = binding<DurableObjectNamespace>(
    source,
    names.rateLimiter,
    "idFromName",
    "a Durable Object namespace",
  );
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
  const cache: CachePort | undefined = kv ? kvCache(kv) : undefined;

  const dataset =
    options.metrics === false
      ? undefined
      : binding<AnalyticsEngineDataset>(
          source,
          names.metrics,
          "writeDataPoint",
          "an Analytics Engine dataset",
        );
  const metrics: MetricsSink | undefined = dataset
    ? analyticsEngineMetrics(dataset, options.metrics || undefined)
    : undefined;

  const bucket = binding<R2Bucket>(source, names.objects, "head", "an R2 bucket");
  const accountId = setting(source, "R2_ACCOUNT_ID");
  const bucketName = setting(source, "R2_BUCKET_NAME");
  const objects: ObjectStore | undefined = bucket
    ? r2Objects(bucket, accountId && bucketName ? { presign: { accountId, bucketName, secrets } } : {})
    : undefined;

  const providers: GatewayOptions["providers"] = {};
  for (const [provider, variable] of Object.entries(BASE_URL_VARS) as [ProviderName, string][]) {
    const baseUrl = setting(source, variable);
    if (baseUrl) providers[provider] = { baseUrl };
  }

  const extra = typeof options.gateway === "function" ? options.gateway(env) : (options.gateway ?? {});
  const gatewayOptions: GatewayOptions = {
    secrets,
    providers,
    ...(rate ? { rateLimit: rate } : {}),
    ...(cache ? { cache: { ttlSeconds: 300, ...(options.cache || {}) } } : {}),
    ...(metrics ? { metrics } : {}),
    ...extra,
    stores: { rateLimit: rateLimitStore, cache, objects, ...extra.stores },
  };
  return {
    options: gatewayOptions,
    features: {
      rateLimit: namespace ? "durable-object" : limiter ? "rate-limiting-binding" : "off",
      cache: !!cache && !!gatewayOptions.cache,
      metrics: !!metrics,
      objects: !!objects,
      presignUpload: !!objects?.presignUpload,
    },
  };
}
