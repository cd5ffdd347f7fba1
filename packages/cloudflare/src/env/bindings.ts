/**
 * Looks bindings and settings up on a Worker's `env`: a binding that is missing turns its feature off, one that
 * exists but is the wrong kind is an error that says what to fix in wrangler config.
 */
import type { ObjectStore } from "@sluice/core";
import { ConfigurationError } from "@sluice/core/adapter";

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

/** Thrown for a wrong or incomplete Worker configuration; its message says what to add to wrangler config. */
export { ConfigurationError };

const has = (value: unknown, method: string) =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Record<string, unknown>)[method] === "function";

/** The binding `env[name]` if set; `method` is one it must have to be `what` (bindings have no type tag). */
export function binding<T>(
  env: Record<string, unknown>,
  name: string,
  method: string,
  what: string,
): T | undefined {
  const value = env[name];
  if (value === undefined || value === null) return undefined;
  if (!has(value, method))
    throw new ConfigurationError(
      `env.${name} is set but is not ${what}: check the "${name}" binding in wrangler config.`,
    );
  return value as T;
}

/** A Durable Object namespace binding, or undefined when it is unbound or its feature is off. */
export function namespaceBinding<T extends Rpc.DurableObjectBranded | undefined = undefined>(
  env: Record<string, unknown>,
  name: string,
  off = false,
): DurableObjectNamespace<T> | undefined {
  return off ? undefined : binding(env, name, "idFromName", "a Durable Object namespace");
}

/** A non-empty, trimmed string setting from `vars` (secrets are read only through `envSecrets`), or undefined. */
export const setting = (env: Record<string, unknown>, name: string) => {
  const value = env[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
};

/** The objects store a feature depends on, or an error naming the R2 binding to add. */
export function needBucket(
  objects: ObjectStore | undefined,
  bindingName: string,
  feature: string,
): ObjectStore {
  if (!objects)
    throw new ConfigurationError(
      `${feature} needs an R2 bucket: add { "binding": "${bindingName}", "bucket_name": "…" } to "r2_buckets" in wrangler config.`,
    );
  return objects;
}
