/**
 * Gateway options from what the code passed and what the environment says, built once on the first request.
 * The rule: the environment fills only what the code left unset, and a setting whose store is missing is a
 * `ConfigurationError` naming the fix, never a feature silently switched off.
 */
import { upstashCache, upstashKeyStore, upstashRateLimitStore, upstashUsageStore } from "@sluice/upstash";
import {
  ADMIN_SECRET,
  type GatewayOptions,
  PROVIDER_LIST,
  type ProviderName,
  type ProviderOptions,
  parseRate,
  type SecretsPort,
  staticKeys,
} from "@sluice/core";
import { ConfigurationError } from "./configuration-error.js";
import type { VercelHandlerOptions } from "./handler.js";
import { jsonLogSink } from "./metrics.js";
import { envSecrets } from "./secrets.js";
import { withStaticKeys } from "./keys.js";

/** Provider base URLs from `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`, … where set, over the given ones. */
async function providersFromEnv(
  secrets: SecretsPort,
  given: GatewayOptions["providers"] = {},
): Promise<Partial<Record<ProviderName, ProviderOptions>>> {
  const providers: Partial<Record<ProviderName, ProviderOptions>> = { ...given };
  for (const { name, env } of PROVIDER_LIST) {
    const baseUrl = await secrets.get(env.baseUrl);
    if (baseUrl && !given[name]?.baseUrl) providers[name] = { ...given[name], baseUrl };
  }
  return providers;
}

/** What to do when a setting needs Upstash and there is no client, worded for where the client went missing. */
function needsUpstash(setting: string, redisGiven: boolean): ConfigurationError {
  const why = redisGiven ? "the `redis` option returned no client" : "the handler has no `redis` option";
  return new ConfigurationError(
    `${setting} needs Upstash Redis, but ${why}. Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN ` +
      "(Vercel: Storage → Upstash → Redis, connected to this project, sets both) and pass " +
      '`redis: () => redisFromEnv(Redis)` (Redis from "@upstash/redis") to createHandler; or unset the setting.',
  );
}

/** `SLUICE_CACHE_TTL` as whole seconds; anything else is an error rather than a cache quietly left off. */
function cacheTtl(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new ConfigurationError(
      `SLUICE_CACHE_TTL is "${value}": set it to a whole number of seconds above 0 (e.g. 300), or unset it.`,
    );
  }
  return seconds;
}

/** The env rate after a format check, so a typo names the variable instead of core's option. */
function checkedRate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseRate(value);
  } catch {
    throw new ConfigurationError(
      `SLUICE_RATE_LIMIT is "${value}": write it as requests/window, e.g. 60/60s or 1000/1h, or unset it.`,
    );
  }
  return value;
}

export async function gatewayOptions(options: VercelHandlerOptions): Promise<GatewayOptions> {
  const { redis, waitUntil: _handledByTheHandler, managedKeys, ...rest } = options;
  const secrets = rest.secrets ?? envSecrets();
  const client = typeof redis === "function" ? redis() : redis;
  const stores = { ...rest.stores };
  let keys = rest.clients?.keys;
  const adminSecret = (typeof rest.admin === "object" && rest.admin.secretName) || ADMIN_SECRET;
  const adminKeySet = rest.admin !== false && !!(await secrets.get(adminSecret));
  if (client) {
    stores.counters ??= upstashRateLimitStore(client);
    stores.cache ??= upstashCache(client);
    if (managedKeys ?? adminKeySet) {
      const keyOptions = typeof managedKeys === "object" ? managedKeys : {};
      keys ??= withStaticKeys(upstashKeyStore(client, keyOptions), staticKeys(secrets));
      stores.usage ??= upstashUsageStore(client);
    }
  } else if (managedKeys) {
    throw needsUpstash("`managedKeys`", redis !== undefined);
  } else if (adminKeySet && managedKeys === undefined && !(keys !== false && keys?.put) && !stores.usage) {
    throw needsUpstash(`${adminSecret} (managed keys, budgets and usage counters)`, redis !== undefined);
  }

  const rate = rest.limits?.rate ?? checkedRate(await secrets.get("SLUICE_RATE_LIMIT"));
  if (rate && !stores.counters) {
    throw needsUpstash(
      rest.limits?.rate ? "The `limits.rate` option" : `SLUICE_RATE_LIMIT ("${rate}")`,
      redis !== undefined,
    );
  }
  const envTtl = rest.cache === undefined ? cacheTtl(await secrets.get("SLUICE_CACHE_TTL")) : undefined;
  const cache = rest.cache ?? (envTtl ? { ttlSeconds: envTtl } : undefined);
  if (cache && !stores.cache) {
    throw needsUpstash(envTtl ? `SLUICE_CACHE_TTL (${envTtl})` : "The `cache` option", redis !== undefined);
  }
  return {
    ...rest,
    secrets,
    stores,
    clients: { ...rest.clients, keys },
    providers: await providersFromEnv(secrets, rest.providers),
    limits: { ...rest.limits, rate },
    cache,
    metrics: rest.metrics ?? jsonLogSink(),
  };
}
