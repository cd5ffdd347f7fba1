/**
 * Gateway options from `process.env` and what the code passed: the names every adapter reads (`*_API_KEY`,
 * `SLUICE_KEYS`, `*_BASE_URL`, `SLUICE_RATE_LIMIT`, `SLUICE_CACHE_TTL`, `SLUICE_ADMIN_KEY`), with the stores in
 * the Redis at `REDIS_URL`. The kit's rule: a setting whose store is missing is a startup error naming the fix,
 * never a feature silently switched off or kept per process.
 */
import { ADMIN_SECRET, type EnvRecord, envSecrets, type GatewayOptions } from "@sluice/core";
import { ConfigurationError, readSettings, withStaticKeys } from "@sluice/core/adapter";
import {
  type RedisCommands,
  redisCache,
  redisKeyStore,
  redisRateLimitStore,
  redisUsageStore,
} from "@sluice/redis";

const NO_REDIS =
  "REDIS_URL is not set: set it (e.g. redis://localhost:6379, or rediss://user:password@host:6380 with TLS) " +
  "so every gateway process shares one Redis, or pass `redis` to createHandler";

export interface NodeEnvOptions extends Partial<GatewayOptions> {
  /** Prepended to every Redis key. Default "sluice:"; on a Redis Cluster use a hash tag, e.g. "{sluice}:". */
  prefix?: string;
}

/**
 * With `redis`: exact rate limits and budgets (the Lua bucket), the response cache, and, when the admin key is
 * set, managed keys and usage counters, all in Redis. Stores and keys given in `options` win.
 */
export function gatewayOptions(
  env: EnvRecord,
  redis: RedisCommands | undefined,
  { prefix = "sluice:", ...options }: NodeEnvOptions,
): GatewayOptions {
  const secrets = options.secrets ?? envSecrets(env);
  const stores = { ...options.stores };
  let keys = options.clients?.keys;
  const adminSecret = (typeof options.admin === "object" && options.admin.secretName) || ADMIN_SECRET;
  const adminKeySet = options.admin !== false && !!env[adminSecret]?.trim();
  if (redis) {
    stores.counters ??= redisRateLimitStore(redis, { prefix: `${prefix}rl:` });
    stores.cache ??= redisCache(redis, { prefix: `${prefix}cache:` });
    if (adminKeySet) {
      stores.usage ??= redisUsageStore(redis, { prefix: `${prefix}usage:` });
      keys ??= withStaticKeys(redisKeyStore(redis, { prefix: `${prefix}keys:` }), secrets);
    }
  } else if (adminKeySet && keys === undefined && !stores.usage) {
    throw new ConfigurationError(
      `${adminSecret} is set (managed keys, budgets and usage) but there is no store for them: ${NO_REDIS}; or unset ${adminSecret}.`,
    );
  }
  const settings = readSettings((name) => env[name], {
    stores,
    providers: options.providers,
    fix: { rateLimit: NO_REDIS, cache: NO_REDIS },
  });
  return {
    ...options,
    secrets,
    stores,
    clients: { ...options.clients, keys },
    providers: settings.providers,
    limits: { ...options.limits, rate: options.limits?.rate ?? settings.rateLimit },
    cache: options.cache ?? settings.cache,
  };
}
