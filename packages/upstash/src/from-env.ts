/** Reads the Upstash variables; a half configuration is the kit's `ConfigurationError`, so adapters show its fix. */
import { ConfigurationError } from "@sluice/core/adapter";

type Env = Record<string, string | undefined>;

/** Names Upstash's Vercel integration and `Redis.fromEnv()` read, the first set of each pair winning. */
const URL_NAMES = ["UPSTASH_REDIS_REST_URL", "KV_REST_API_URL"] as const;
const TOKEN_NAMES = ["UPSTASH_REDIS_REST_TOKEN", "KV_REST_API_TOKEN"] as const;

const first = (env: Env, names: readonly string[]) => names.map((name) => env[name]).find((value) => !!value);

/**
 * An Upstash Redis client from the environment when Upstash is configured, `undefined` when it is not, so a
 * project without Upstash still proxies (and `SLUICE_RATE_LIMIT` then fails at startup, naming what to set)
 * instead of answering every call with a 503 from a client that points nowhere. Half a configuration (a URL
 * without a token, or the reverse) throws, naming the missing variable. Pass the `Redis` class of the
 * `@upstash/redis` build you use (`@upstash/redis`, `/cloudflare`, `/fastly`); this package never imports it.
 * `env` defaults to `process.env` where there is one.
 *
 * @example
 * ```ts
 * import { Redis } from "@upstash/redis";
 * import { redisFromEnv, upstashRateLimitStore } from "@sluice/upstash";
 * const redis = redisFromEnv(Redis);
 * const rateLimit = redis && upstashRateLimitStore(redis);
 * ```
 */
export function redisFromEnv<R>(
  Redis: new (config: { url: string; token: string; enableTelemetry?: boolean }) => R,
  env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {},
): R | undefined {
  const url = first(env, URL_NAMES);
  const token = first(env, TOKEN_NAMES);
  if (!url && !token) return undefined;
  if (!url || !token) {
    const missing = url ? TOKEN_NAMES[0] : URL_NAMES[0];
    throw new ConfigurationError(
      `Upstash Redis is half configured: ${missing} is not set. Set both UPSTASH_REDIS_REST_URL and ` +
        "UPSTASH_REDIS_REST_TOKEN (from the database's REST API section in the Upstash console; on Vercel the " +
        "Upstash integration in the Storage tab sets both), or neither.",
    );
  }
  return new Redis({ url, token, enableTelemetry: false });
}
