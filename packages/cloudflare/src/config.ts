/**
 * Reads a Worker's `env` into gateway options: which bindings exist decides which features are on, and a
 * binding that exists but is the wrong kind is an error that says what to fix in wrangler config.
 */
import {
  type CachePort,
  type GatewayOptions,
  type MetricsSink,
  type Middleware,
  type ObjectStore,
  type ProviderName,
  type RateLimitStore,
  staticKeys,
} from "@sluice/core";
import { kvCache } from "./cache.js";
import { type HydrateOptions, hydrateObjects } from "./features/hydrate.js";
import { type RequestLogOptions, requestLog } from "./features/request-log.js";
import type { SluiceSessions } from "./features/sessions/durable-object.js";
import { conversationSessions, type SessionOptions } from "./features/sessions/middleware.js";
import { type UploadsOptions, uploadsHandler } from "./features/uploads.js";
import { type AiBindingLike, withOpenAiPlaceholder, workersAiFetch } from "./features/workers-ai.js";
import { type AnalyticsEngineMetricsOptions, analyticsEngineMetrics } from "./metrics.js";
import { r2Objects } from "./objects.js";
import { rateLimitBindingStore } from "./rate-limit/binding.js";
import { type DurableObjectRateLimitOptions, durableObjectRateLimitStore } from "./rate-limit/store.js";
import type { SluiceRateLimiter } from "./rate-limit/durable-object.js";
import { envSecrets } from "./secrets.js";
import type { SluiceKeys } from "./keys/durable-object.js";
import { durableObjectKeyStore, type ManagedKeyStore, withStaticKeys } from "./keys/store.js";
import type { SluiceUsage } from "./usage/durable-object.js";
import { durableObjectUsageStore } from "./usage/store.js";

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
  /** Unlocks the admin API (`/_sluice/keys`, `/_sluice/usage`). */
  SLUICE_ADMIN_KEY?: string;
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
  SESSIONS?: DurableObjectNamespace<SluiceSessions>;
  KEYS?: DurableObjectNamespace<SluiceKeys>;
  USAGE?: DurableObjectNamespace<SluiceUsage>;
  AI?: Ai;
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
  /** Durable Object namespace of `SluiceSessions` (conversation sessions). Default "SESSIONS". */
  sessions: string;
  /** Workers AI binding (`@cf/…` models on the OpenAI route). Default "AI". */
  ai: string;
  /** Durable Object namespace of `SluiceKeys` (managed client keys, admin API). Default "KEYS". */
  keys: string;
  /** Durable Object namespace of `SluiceUsage` (per-key daily usage counters). Default "USAGE". */
  usage: string;
}

export const DEFAULT_BINDINGS: BindingNames = {
  rateLimiter: "RATE_LIMITER",
  rateLimitBinding: "RATE_LIMIT",
  cache: "CACHE",
  objects: "OBJECTS",
  metrics: "METRICS",
  sessions: "SESSIONS",
  ai: "AI",
  keys: "KEYS",
  usage: "USAGE",
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
  /** Hydrate `sluice-object://<key>` references from the R2 bucket (rewrites bodies). Off by default. */
  hydrate?: HydrateOptions | boolean;
  /** Answer `POST /_sluice/uploads` with pre-signed R2 upload URLs (needs the R2 vars and secrets). Off by default. */
  uploads?: UploadsOptions | boolean;
  /** NDJSON request log in R2 (`binding`: the bucket, default the objects bucket). Off by default. */
  requestLog?: (RequestLogOptions & { binding?: string }) | boolean;
  /** Conversation sessions; on when the `SESSIONS` binding exists, `false` turns them off. */
  sessions?: SessionOptions | false;
  /** Workers AI on the OpenAI route; on when the `AI` binding exists, `false` turns it off. */
  workersAi?: false;
  /**
   * Managed client keys in the `SluiceKeys` Durable Object; on when the `KEYS` binding exists, `false` turns
   * them off. The `SLUICE_KEYS` secret's keys keep working next to them unless `staticKeys: false`;
   * `name` picks the object (another name, another key set).
   */
  keys?: { staticKeys?: boolean; name?: string } | false;
  /** Per-key daily usage counters (`GET /_sluice/usage`); on when the `USAGE` binding exists, `false` turns them off. */
  usage?: false;
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
  hydrate: boolean;
  uploads: boolean;
  requestLog: boolean;
  sessions: boolean;
  workersAi: boolean;
  /** Managed keys from the `SluiceKeys` Durable Object (and the admin API). */
  managedKeys: boolean;
  usage: boolean;
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
): {
  options: GatewayOptions;
  features: Features;
  /** The `POST /_sluice/uploads` handler, when `uploads` is on. */
  uploads?: (request: Request) => Promise<Response | undefined>;
} {
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

  const keysNamespace =
    options.keys === false
      ? undefined
      : binding<DurableObjectNamespace<SluiceKeys>>(
          source,
          names.keys,
          "idFromName",
          "a Durable Object namespace",
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
    const keyOptions = options.keys || {};
    keys = durableObjectKeyStore(keysNamespace, { name: keyOptions.name });
    if (keyOptions.staticKeys !== false) keys = withStaticKeys(keys, secrets);
  }
  const usageNamespace =
    options.usage === false
      ? undefined
      : binding<DurableObjectNamespace<SluiceUsage>>(
          source,
          names.usage,
          "idFromName",
          "a Durable Object namespace",
        );
  const usage = usageNamespace ? durableObjectUsageStore(usageNamespace) : undefined;

  const providers: GatewayOptions["providers"] = {};
  for (const [provider, variable] of Object.entries(BASE_URL_VARS) as [ProviderName, string][]) {
    const baseUrl = setting(source, variable);
    if (baseUrl) providers[provider] = { baseUrl };
  }

  const extra = typeof options.gateway === "function" ? options.gateway(env) : (options.gateway ?? {});
  const want = <T>(value: T | boolean | undefined): T | undefined =>
    value === true ? ({} as T) : value ? value : undefined;
  const needBucket = (feature: string) => {
    if (!objects)
      throw new ConfigurationError(
        `${feature} needs an R2 bucket: add { "binding": "${names.objects}", "bucket_name": "…" } to "r2_buckets" in wrangler config.`,
      );
    return objects;
  };

  const middleware: Middleware[] = [];
  const logOptions = want(options.requestLog);
  if (logOptions) {
    const logBucket = logOptions.binding
      ? binding<R2Bucket>(source, logOptions.binding, "head", "an R2 bucket")
      : undefined;
    if (logOptions.binding && !logBucket)
      throw new ConfigurationError(
        `requestLog.binding is "${logOptions.binding}" but env has no such R2 bucket.`,
      );
    middleware.push(requestLog(logBucket ? r2Objects(logBucket) : needBucket("requestLog"), logOptions));
  }
  const sessionsNamespace =
    options.sessions === false
      ? undefined
      : binding<DurableObjectNamespace<SluiceSessions>>(
          source,
          names.sessions,
          "idFromName",
          "a Durable Object namespace",
        );
  if (sessionsNamespace) middleware.push(conversationSessions(sessionsNamespace, options.sessions || {}));
  const hydrateOptions = want(options.hydrate);
  if (hydrateOptions) middleware.push(hydrateObjects(needBucket("hydrate"), hydrateOptions));

  const ai =
    options.workersAi === false
      ? undefined
      : binding<AiBindingLike>(source, names.ai, "run", "a Workers AI binding");

  const gatewayOptions: GatewayOptions = {
    secrets: ai ? withOpenAiPlaceholder(secrets) : secrets,
    providers,
    ...(rate ? { rateLimit: rate } : {}),
    ...(cache ? { cache: { ttlSeconds: 300, ...(options.cache || {}) } } : {}),
    ...(metrics ? { metrics } : {}),
    ...(keys ? { keys } : {}),
    ...extra,
    ...(ai ? { fetch: workersAiFetch(ai, extra.fetch) } : {}),
    middleware: [...middleware, ...(extra.middleware ?? [])],
    stores: { rateLimit: rateLimitStore, cache, objects, ...(usage ? { usage } : {}), ...extra.stores },
  };

  let uploads: ((request: Request) => Promise<Response | undefined>) | undefined;
  const uploadOptions = want(options.uploads);
  if (uploadOptions) {
    const store = needBucket("uploads");
    if (!store.presignUpload)
      throw new ConfigurationError(
        "uploads needs pre-signing: set the R2_ACCOUNT_ID and R2_BUCKET_NAME vars and the R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY secrets (an R2 API token).",
      );
    if (gatewayOptions.keys === false)
      throw new ConfigurationError("uploads authenticates client keys, but `keys` is false.");
    uploads = uploadsHandler({
      objects: store,
      keys: gatewayOptions.keys ?? staticKeys(gatewayOptions.secrets),
      basePath: gatewayOptions.basePath,
      options: uploadOptions,
    });
  }

  return {
    options: gatewayOptions,
    uploads,
    features: {
      rateLimit: namespace ? "durable-object" : limiter ? "rate-limiting-binding" : "off",
      cache: !!cache && !!gatewayOptions.cache,
      metrics: !!metrics,
      objects: !!objects,
      presignUpload: !!objects?.presignUpload,
      hydrate: !!hydrateOptions,
      uploads: !!uploads,
      requestLog: !!logOptions,
      sessions: !!sessionsNamespace,
      workersAi: !!ai,
      managedKeys: !!keys && gatewayOptions.keys === keys,
      usage: !!usage && gatewayOptions.stores?.usage === usage,
    },
  };
}
