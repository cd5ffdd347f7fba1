import { createGateway, type HousekeepingReport, type SecretsPort } from "@sluice/core";
import { backgroundTasks, ConfigurationError, readSettings, withStaticKeys } from "@sluice/core/adapter";
import type { EnvLike } from "./env.ts";
import { envSecrets } from "./secrets.ts";
import { kvCache } from "./cache.ts";
import { type KvKeyStoreOptions, kvKeyStore } from "./keys.ts";
import { kvRateLimitStore } from "./rate-limit.ts";
import type { KvLike, KvSpendLike } from "./kv.ts";
import { kvUsageStore } from "./usage.ts";
import { logMetrics } from "./metrics.ts";

type CoreOptions = Parameters<typeof createGateway>[0];

export interface DenoHandlerOptions extends Omit<CoreOptions, "secrets"> {
  /** Default: `envSecrets()`, i.e. `Deno.env`. */
  secrets?: SecretsPort;
  /** Where `*_BASE_URL`, `SLUICE_RATE_LIMIT` and `SLUICE_CACHE_TTL` are read from. Default `Deno.env`. */
  env?: EnvLike;
  /**
   * A Deno KV handle; with it, the counters (rate limits, budgets, breaker), the response cache, managed client
   * keys and usage counters live in KV (unless `stores` or `clients.keys` say otherwise).
   */
  kv?: KvLike & KvSpendLike;
  /**
   * Client keys managed through the admin API (`/_sluice/keys`, locked by the `SLUICE_ADMIN_KEY` secret), kept
   * in KV and accepted next to the static `SLUICE_KEYS`. Default: on with `kv`; `false` turns them off; `true`
   * or key-store options (`{ prefix }`) need `kv` (a startup error otherwise). Ignored when `clients.keys` is
   * given.
   */
  managedKeys?: boolean | KvKeyStoreOptions;
  /**
   * Per-key token and cost counters in KV for `GET /_sluice/usage`, one atomic commit per call after its
   * response. Default: on with `kv`; `false` turns them off; `true` needs `kv`. Ignored when `stores.usage`
   * is given.
   */
  usage?: boolean;
}

/** A `Deno.serve` handler that can also wait for the work it left running after responses. */
export interface DenoHandler {
  (request: Request, info?: unknown): Promise<Response>;
  /** Resolves when every metric write and cache write started so far has finished. */
  drain(): Promise<void>;
  /** Background tasks still running. */
  readonly pending: number;
  /**
   * One housekeeping pass (core's `housekeeping()` with the `retention` option): old usage hours rolled into
   * day rows, days past the retention deleted. Undefined when there is nothing to keep: no usage store, and
   * no counters store that needs pruning (Deno KV expires buckets and cache entries itself).
   * `scheduleHousekeeping(handler)` runs it hourly with `Deno.cron`.
   */
  readonly housekeeping?: (now?: number) => Promise<HousekeepingReport>;
}

/** `managedKeys: true` or `usage: true` without a KV handle: the fix, not a feature silently off. */
const needsKv = (option: string, store: string) =>
  new ConfigurationError(
    `\`${option}\` is on but there is no \`kv\`: pass a Deno KV handle, createHandler({ kv: await Deno.openKv() }), ` +
      `or a store in \`${store}\`; or leave \`${option}\` unset.`,
  );

function denoEnv(): EnvLike | undefined {
  return (globalThis as { Deno?: { env: EnvLike } }).Deno?.env;
}

/**
 * Builds Sluice for `Deno.serve` / `deno serve`. Deno.serve has no `waitUntil`, and Deno Deploy offers none
 * either (it runs a plain Deno process and stops it once traffic stops), so work that outlives a response
 * (metrics, cache writes) is kept here: it keeps running on the event loop, and `drain()` awaits it before a
 * shutdown. Explicit options win over the environment; a setting whose store is missing (`SLUICE_RATE_LIMIT`
 * or `SLUICE_CACHE_TTL` without `kv`) throws here, naming the fix. With `kv`, managed keys, budgets, usage counters and the
 * admin API work too (the admin API stays shut until the `SLUICE_ADMIN_KEY` secret is set).
 *
 * @example
 * const kv = await Deno.openKv();
 * const handler = createHandler({ kv });
 * Deno.serve(handler);
 */
export function createHandler(options: DenoHandlerOptions = {}): DenoHandler {
  const { env: envOption, kv, secrets: secretsOption, managedKeys, usage, ...rest } = options;
  const env = envOption ?? denoEnv() ?? { get: () => undefined };
  const secrets = secretsOption ?? envSecrets(env);
  const keysWanted = rest.clients?.keys === undefined && managedKeys !== false;
  const usageWanted = !rest.stores?.usage && usage !== false;
  if (!kv) {
    // Only an explicit `true` (or options) asks for KV; the default just follows `kv`.
    if (keysWanted && managedKeys !== undefined) throw needsKv("managedKeys", "clients.keys");
    if (usageWanted && usage !== undefined) throw needsKv("usage", "stores.usage");
  }
  const stores = {
    ...(kv ? { counters: kvRateLimitStore(kv), cache: kvCache(kv) } : {}),
    ...(kv && usageWanted ? { usage: kvUsageStore(kv) } : {}),
    ...rest.stores,
  };
  const settings = readSettings((name) => env.get(name), {
    stores,
    providers: rest.providers,
    fix: {
      rateLimit:
        "pass a Deno KV handle, createHandler({ kv: await Deno.openKv() }), or a store in `stores.counters`",
      cache:
        "pass a Deno KV handle, createHandler({ kv: await Deno.openKv() }), or a store in `stores.cache`",
    },
  });
  const gateway = createGateway({
    ...rest,
    secrets,
    clients: {
      ...rest.clients,
      keys:
        rest.clients?.keys ??
        (kv && keysWanted
          ? withStaticKeys(kvKeyStore(kv, typeof managedKeys === "object" ? managedKeys : {}), secrets)
          : undefined),
    },
    providers: settings.providers,
    limits: { ...rest.limits, rate: rest.limits?.rate ?? settings.rateLimit },
    cache: rest.cache ?? settings.cache ?? false,
    stores,
    metrics: rest.metrics ?? logMetrics(),
  });

  const background = backgroundTasks();
  const handler = ((request: Request) => gateway.fetch(request, background)) as DenoHandler;
  handler.drain = () => background.drain();
  Object.defineProperty(handler, "pending", { get: () => background.pending });
  if (stores.usage || stores.counters?.prune) {
    Object.defineProperty(handler, "housekeeping", { value: (now?: number) => gateway.housekeeping(now) });
  }
  return handler;
}
