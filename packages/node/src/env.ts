/**
 * Gateway options from `process.env` and what the code passed: the names every adapter reads (`*_API_KEY`,
 * `SLUICE_KEYS`, `*_BASE_URL`, `SLUICE_RATE_LIMIT`, `SLUICE_CACHE_TTL`, `SLUICE_ADMIN_KEY`), with the stores in
 * the Redis at `REDIS_URL`. The kit's rule: a setting whose store is missing is a startup error naming the fix,
 * never a feature silently switched off or kept per process.
 */
import { ADMIN_SECRET, type EnvRecord, type GatewayOptions } from "@sluice/core";
import { ConfigurationError, readSettings, withStaticKeys } from "@sluice/core/adapter";
import type { RedisCommands, RedisKeyStoreOptions } from "@sluice/redis";
import { redisCache } from "./cache.js";
import { redisKeyStore } from "./keys.js";
import { logMetrics } from "./metrics.js";
import { redisRateLimitStore } from "./rate-limit.js";
import { envSecrets } from "./secrets.js";
import { redisUsageStore } from "./usage.js";

const NO_REDIS =
  "REDIS_URL is not set: set it (e.g. redis://localhost:6379, or rediss://user:password@host:6380 with TLS) " +
  "so every gateway process shares one Redis, or pass `redis` to createHandler";

export interface NodeEnvOptions extends Partial<GatewayOptions> {
  /** Prepended to every Redis key. Default "sluice:"; on a Redis Cluster use a hash tag, e.g. "{sluice}:". */
  prefix?: string;
  /**
   * Managed client keys (the admin API's `/_sluice/keys`, budgets) in Redis, beside the static `SLUICE_KEYS`.
   * Default: on when there is Redis and `SLUICE_ADMIN_KEY` is set; `false` turns them off; `true` (or key-store
   * options) needs Redis. An explicit `clients.keys` wins.
   */
  managedKeys?: boolean | Omit<RedisKeyStoreOptions, "prefix">;
  /**
   * Per-key usage counters (`GET /_sluice/usage`) in Redis. Default: on when there is Redis and
   * `SLUICE_ADMIN_KEY` is set; `false` turns them off; `true` needs Redis. An explicit `stores.usage` wins.
   */
  usage?: boolean;
}

/**
 * With `redis`: exact rate limits and budgets (the Lua bucket), the response cache, and managed keys and usage
 * counters (by default when the admin key is set), all in Redis. Stores and keys given in `options` win.
 */
export function gatewayOptions(
  env: EnvRecord,
  redis: RedisCommands | undefined,
  { prefix = "sluice:", managedKeys, usage, ...options }: NodeEnvOptions,
): GatewayOptions {
  const secrets = options.secrets ?? envSecrets(env);
  const stores = { ...options.stores };
  let keys = options.clients?.keys;
  const adminSecret = (typeof options.admin === "object" && options.admin.secretName) || ADMIN_SECRET;
  const adminKeySet = options.admin !== false && !!env[adminSecret]?.trim();
  const keysWanted = keys === undefined && (managedKeys ?? adminKeySet) !== false;
  const usageWanted = !stores.usage && (usage ?? adminKeySet);
  if (redis) {
    stores.counters ??= redisRateLimitStore(redis, { prefix: `${prefix}rl:` });
    stores.cache ??= redisCache(redis, { prefix: `${prefix}cache:` });
    if (usageWanted) stores.usage = redisUsageStore(redis, { prefix: `${prefix}usage:` });
    if (keysWanted) {
      const keyOptions = typeof managedKeys === "object" ? managedKeys : {};
      keys = withStaticKeys(redisKeyStore(redis, { ...keyOptions, prefix: `${prefix}keys:` }), secrets);
    }
  } else if (keysWanted && managedKeys) {
    throw new ConfigurationError(`\`managedKeys\` needs Redis: ${NO_REDIS}; or leave \`managedKeys\` unset.`);
  } else if (usageWanted && usage) {
    throw new ConfigurationError(`\`usage\` needs Redis: ${NO_REDIS}; or leave \`usage\` unset.`);
  } else if (keysWanted) {
    // Managed keys default to on with the admin key: the admin API would issue keys nothing can keep.
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
    metrics: options.metrics ?? logMetrics(),
  };
}
