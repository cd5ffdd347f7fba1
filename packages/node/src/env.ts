/**
 * Gateway options from `process.env` for self-hosted Node: the same names every adapter reads
 * (`*_API_KEY`, `SLUICE_KEYS`, `*_BASE_URL`, `SLUICE_RATE_LIMIT`, `SLUICE_CACHE_TTL`, `SLUICE_ADMIN_KEY`) plus
 * `REDIS_URL`. The rule: a setting whose store is missing is a startup error naming the fix, never a feature
 * silently switched off or kept per process.
 */
import {
  ADMIN_SECRET,
  type EnvRecord,
  type GatewayOptions,
  gatewayOptionsFromEnv,
  type KeyStore,
  staticKeys,
} from "@sluice/core";
import {
  type RedisCommands,
  redisCache,
  redisKeyStore,
  redisRateLimitStore,
  redisUsageStore,
} from "@sluice/redis";

/** A setting the gateway cannot honour; its message names the fix and holds no secret value. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

export interface NodeEnvOptions {
  /** The Redis behind the stores, or none: `nodeRedisCommands(client)` over a connected node-redis client. */
  redis?: RedisCommands;
  /** Prepended to every Redis key. Default "sluice:"; on a Redis Cluster use a hash tag, e.g. "{sluice}:". */
  prefix?: string;
}

/** Static keys first (in memory), then the managed store; management is the managed store's alone. */
function withStaticKeys(managed: KeyStore, fixed: KeyStore): KeyStore {
  return { ...managed, lookup: async (hash) => (await fixed.lookup(hash)) ?? managed.lookup(hash) };
}

function needsRedis(setting: string): ConfigurationError {
  return new ConfigurationError(
    `${setting} needs Redis, shared by every gateway process, but REDIS_URL is not set. Set REDIS_URL ` +
      "(e.g. redis://localhost:6379, or rediss://user:password@host:6380 with TLS), or unset the setting.",
  );
}

/**
 * Options for `createGateway` from `env`. With `redis`: exact rate limits and budgets (the Lua bucket), the
 * response cache, and, when `SLUICE_ADMIN_KEY` is set, managed keys and usage counters, all in Redis.
 *
 * @example
 * ```ts
 * const gateway = createGateway(nodeOptionsFromEnv(process.env, { redis: nodeRedisCommands(client) }));
 * ```
 */
export function nodeOptionsFromEnv(
  env: EnvRecord,
  { redis, prefix = "sluice:" }: NodeEnvOptions = {},
): GatewayOptions {
  const adminKey = env[ADMIN_SECRET];
  if (!redis) {
    for (const name of ["SLUICE_RATE_LIMIT", "SLUICE_CACHE_TTL", ADMIN_SECRET]) {
      if (env[name]?.trim())
        throw needsRedis(name === ADMIN_SECRET ? `${name} (managed keys and usage)` : name);
    }
    return gatewayOptionsFromEnv(env);
  }
  const stores: NonNullable<GatewayOptions["stores"]> = {
    counters: redisRateLimitStore(redis, { prefix: `${prefix}rl:` }),
    cache: redisCache(redis, { prefix: `${prefix}cache:` }),
    ...(adminKey ? { usage: redisUsageStore(redis, { prefix: `${prefix}usage:` }) } : {}),
  };
  const options: GatewayOptions = gatewayOptionsFromEnv(env, { stores });
  if (adminKey) {
    const keys = withStaticKeys(
      redisKeyStore(redis, { prefix: `${prefix}keys:` }),
      staticKeys(options.secrets),
    );
    options.clients = { ...options.clients, keys };
  }
  return options;
}
