/**
 * Gateway options from what the code passed and what the environment says, built once on the first request.
 * The rule (core's `readSettings`): the environment fills only what the code left unset, and a setting whose
 * store is missing is a `ConfigurationError` naming the fix, never a feature silently switched off.
 */
import {
  ADMIN_SECRET,
  BASE_URL_ENV,
  type GatewayOptions,
  type SecretsPort,
  SETTINGS_ENV,
} from "@sluice/core";
import { ConfigurationError, readSettings, withStaticKeys } from "@sluice/core/adapter";
import { upstashCache } from "./cache.js";
import type { VercelHandlerOptions } from "./handler.js";
import { upstashKeyStore } from "./keys.js";
import { logMetrics } from "./metrics.js";
import { upstashRateLimitStore } from "./rate-limit.js";
import { envSecrets } from "./secrets.js";
import { upstashUsageStore } from "./usage.js";

const HOW_TO_CONNECT =
  "Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (Vercel: Storage → Upstash → Redis, connected to " +
  'this project, sets both) and pass `redis: () => redisFromEnv(Redis)` (Redis from "@upstash/redis") to createHandler';

/** Why there is no Upstash client, worded for where the client went missing. */
const noClient = (redisGiven: boolean) =>
  redisGiven ? "the `redis` option returned no client" : "the handler has no `redis` option";

/** For `readSettings`: how to get the store a setting needs on Vercel. */
const upstashFix = (redisGiven: boolean) =>
  `it needs Upstash Redis, but ${noClient(redisGiven)}. ${HOW_TO_CONNECT}`;

/** What to do when a setting needs Upstash and there is no client. */
function needsUpstash(setting: string, redisGiven: boolean): ConfigurationError {
  return new ConfigurationError(
    `${setting} needs Upstash Redis, but ${noClient(redisGiven)}. ${HOW_TO_CONNECT}; or unset the setting.`,
  );
}

/** The settings every adapter reads, read once through the secrets port (`process.env` by default). */
async function readEnv(secrets: SecretsPort): Promise<(name: string) => string | undefined> {
  const names = [...Object.values(BASE_URL_ENV), SETTINGS_ENV.rateLimit, SETTINGS_ENV.cacheTtl];
  const values = new Map(
    await Promise.all(names.map(async (name) => [name, await secrets.get(name)] as const)),
  );
  return (name) => values.get(name);
}

export async function gatewayOptions(options: VercelHandlerOptions): Promise<GatewayOptions> {
  const { redis, waitUntil: _handledByTheHandler, managedKeys, usage, ...rest } = options;
  const secrets = rest.secrets ?? envSecrets();
  const client = typeof redis === "function" ? redis() : redis;
  const stores = { ...rest.stores };
  let keys = rest.clients?.keys;
  const adminSecret = (typeof rest.admin === "object" && rest.admin.secretName) || ADMIN_SECRET;
  const adminKeySet = rest.admin !== false && !!(await secrets.get(adminSecret));
  const keysWanted = keys === undefined && (managedKeys ?? adminKeySet) !== false;
  const usageWanted = !stores.usage && (usage ?? adminKeySet);
  if (client) {
    stores.counters ??= upstashRateLimitStore(client);
    stores.cache ??= upstashCache(client);
    if (usageWanted) stores.usage = upstashUsageStore(client);
    if (keysWanted) {
      const keyOptions = typeof managedKeys === "object" ? managedKeys : {};
      keys = withStaticKeys(upstashKeyStore(client, keyOptions), secrets);
    }
  } else if (keysWanted && managedKeys) {
    throw needsUpstash("`managedKeys`", redis !== undefined);
  } else if (usageWanted && usage) {
    throw needsUpstash("`usage`", redis !== undefined);
  } else if (keysWanted) {
    // Managed keys default to on with the admin key: the admin API would issue keys nothing can keep.
    throw needsUpstash(`${adminSecret} (managed keys, budgets and usage counters)`, redis !== undefined);
  }

  const settings = readSettings(await readEnv(secrets), {
    stores,
    providers: rest.providers,
    fix: { rateLimit: upstashFix(redis !== undefined), cache: upstashFix(redis !== undefined) },
  });
  const rate = rest.limits?.rate ?? settings.rateLimit;
  if (rate && !stores.counters) throw needsUpstash("The `limits.rate` option", redis !== undefined);
  const cache = rest.cache ?? settings.cache;
  if (cache && !stores.cache) throw needsUpstash("The `cache` option", redis !== undefined);
  return {
    ...rest,
    secrets,
    stores,
    clients: { ...rest.clients, keys },
    providers: settings.providers,
    limits: { ...rest.limits, rate },
    cache,
    metrics: rest.metrics ?? logMetrics(),
  };
}
