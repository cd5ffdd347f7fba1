import {
  type CachePort,
  createGateway,
  type Gateway,
  type GatewayOptions,
  type KeyStore,
  type MetricsSink,
  type ObjectStore,
  type PricingTable,
  type RateLimitStore,
  type SecretsPort,
  type UpstreamOptions,
  type UsageStore,
} from "@sluice/core";
import { ConfigurationError, configurationErrorResponse, withStaticKeys } from "@sluice/core/adapter";
import { ensureAbortController, ensureRequestSignal } from "./abort.js";
import { type BackendOptions, backendFetch } from "./backends.js";
import { coreCache } from "./cache.js";
import { type KvKeyStoreOptions, kvKeyStore, kvStoreLinked } from "./keys.js";
import { logMetrics } from "./metrics.js";
import { edgeRateLimitStore } from "./rate-limit.js";
import { secretStoreSecrets } from "./secrets.js";
import { type FastlySettings, readSettings } from "./env.js";

export interface Stores {
  /** Rate limits, budgets and the circuit breaker. Default with a rate limit: `edgeRateLimitStore()`. */
  counters?: RateLimitStore;
  cache?: CachePort;
  objects?: ObjectStore;
  /**
   * Per-key, per-day usage counters for `GET /_sluice/usage`. Fastly has no native store that can add
   * atomically (see the README): pass a strongly consistent one reached through a backend.
   */
  usage?: UsageStore;
}

/** What a `stores` factory gets: the secrets (for a store's own token) and the Config Store settings. */
export interface FastlySetup {
  secrets: SecretsPort;
  settings: FastlySettings;
}

export interface FastlyHandlerOptions extends Omit<GatewayOptions, "secrets" | "upstream" | "stores"> {
  /** How the upstream is called; requests always go through the Fastly backends (`backends`). */
  upstream?: Omit<UpstreamOptions, "fetch">;
  /** Secret Store with provider keys and `SLUICE_KEYS`. Default "sluice_secrets". */
  secretStore?: string;
  /** Replaces the Secret Store entirely (tests, or secrets kept elsewhere). */
  secrets?: SecretsPort;
  /** Config Store with settings that override these options (see the README). Default "sluice_config"; false skips it. */
  configStore?: string | false;
  /** Which Fastly backend each upstream request goes through. */
  backends?: BackendOptions;
  /** Log endpoint for one JSON metrics line per call. The Config Store's `log_endpoint` overrides it. */
  logEndpoint?: string;
  /**
   * Stores, or a factory called once per instance while handling the first request. Defaults: Edge Rate
   * Limiting when a rate limit is set, Core Cache when the cache is on.
   */
  stores?: Stores | ((setup: FastlySetup) => Stores | Promise<Stores>);
  pricing?: PricingTable;
  /**
   * Managed client keys (the admin API under `/_sluice/keys`, locked by the `SLUICE_ADMIN_KEY` secret) in a
   * KV Store. Default: on when the service has a KV Store named "sluice_keys"; `false` turns them off; `true`
   * or an object (`store`: another KV Store's name, `prefix`: see `kvKeyStore`) requires the store to be
   * linked (a 500 naming it otherwise). Keys in `SLUICE_KEYS` keep working beside it. A `clients.keys` option,
   * when given, replaces all of this.
   */
  managedKeys?: boolean | ManagedKeysOptions;
}

/** Where `managedKeys` keeps the keys. */
export interface ManagedKeysOptions extends KvKeyStoreOptions {
  /** The KV Store's name. Default "sluice_keys". */
  store?: string;
}

/** A Fastly FetchEvent, as far as the handler uses it. */
export type FetchEventLike = Pick<FetchEvent, "request" | "waitUntil">;

const EMPTY_SETTINGS: FastlySettings = { gateway: {}, backends: {} };

async function build(options: FastlyHandlerOptions): Promise<Gateway> {
  const {
    secretStore,
    secrets: givenSecrets,
    configStore = "sluice_config",
    backends,
    logEndpoint,
    stores,
    metrics,
    managedKeys: managedKeysOption,
    ...gatewayOptions
  } = options;
  const settings = configStore === false ? EMPTY_SETTINGS : readSettings(configStore);
  const secrets = givenSecrets ?? secretStoreSecrets(secretStore);
  // Opens the store now, so a store missing from the service is reported as such (and SLUICE_KEYS,
  // needed by nearly every call, is read early).
  if (!givenSecrets) await secrets.get("SLUICE_KEYS");
  // Config Store settings win, group by group: a `rate_limit` there keeps the budgets set in code.
  const merged: GatewayOptions = {
    ...gatewayOptions,
    ...settings.gateway,
    clients: { ...gatewayOptions.clients, ...settings.gateway.clients },
    limits: { ...gatewayOptions.limits, ...settings.gateway.limits },
    secrets,
  };
  const providers = { ...gatewayOptions.providers };
  for (const [name, value] of Object.entries(settings.gateway.providers ?? {})) {
    providers[name as keyof typeof providers] = { ...providers[name as keyof typeof providers], ...value };
  }
  merged.providers = providers;

  const chosen = { ...(typeof stores === "function" ? await stores({ secrets, settings }) : stores) };
  if (merged.limits?.rate && !chosen.counters) chosen.counters = edgeRateLimitStore();
  if (merged.cache && !chosen.cache) chosen.cache = coreCache();
  merged.stores = chosen;
  if (gatewayOptions.clients?.keys === undefined) {
    const managed = managedKeys(managedKeysOption, secrets);
    if (managed) merged.clients = { ...merged.clients, keys: managed };
  }

  const sinks: MetricsSink[] = metrics ? (Array.isArray(metrics) ? [...metrics] : [metrics]) : [];
  const endpoint = settings.logEndpoint ?? logEndpoint;
  if (endpoint) sinks.push(logMetrics({ endpoint }));
  if (sinks.length > 0) merged.metrics = sinks;

  merged.upstream = {
    ...gatewayOptions.upstream,
    fetch: backendFetch({ ...backends, providers: { ...backends?.providers, ...settings.backends } }),
  };
  return createGateway(merged);
}

/**
 * The KV-backed key store (when linked, or named) with the `SLUICE_KEYS` keys accepted beside it, so linking
 * the store never locks out the static keys already handed out. Static keys are looked up first, as on every
 * adapter: in memory, no KV read, and they keep working while the KV Store is unreachable.
 */
function managedKeys(
  option: FastlyHandlerOptions["managedKeys"],
  secrets: SecretsPort,
): KeyStore | undefined {
  if (option === false) return undefined;
  const { store = "sluice_keys", ...storeOptions } = typeof option === "object" ? option : {};
  if (!kvStoreLinked(store)) {
    if (option === undefined) return undefined;
    throw new ConfigurationError(
      `\`managedKeys\` is on but KV Store "${store}" is not linked to this Fastly service: link it, or leave \`managedKeys\` unset.`,
    );
  }
  return withStaticKeys(kvKeyStore(store, storeOptions), secrets);
}

/**
 * A Fastly `fetch` event handler running Sluice. Settings, stores and the gateway are set up on the
 * first request of each instance (Fastly opens stores only while handling a request) and reused after.
 *
 * @example
 * ```ts
 * import { createHandler } from "@sluice/fastly";
 * const handle = createHandler({ limits: { rate: "60/60s" }, logEndpoint: "sluice_metrics" });
 * addEventListener("fetch", (event) => event.respondWith(handle(event)));
 * ```
 */
export function createHandler(
  options: FastlyHandlerOptions = {},
): (event: FetchEventLike) => Promise<Response> {
  let gateway: Promise<Gateway> | undefined;
  return async (event) => {
    ensureAbortController();
    const request = ensureRequestSignal(event.request);
    let ready: Gateway;
    try {
      gateway ??= build(options).catch((error: unknown) => {
        gateway = undefined; // the next request tries again (e.g. after a store is linked)
        throw error;
      });
      ready = await gateway;
    } catch (error) {
      return configurationErrorResponse(request, error, { basePath: options.basePath });
    }
    return ready.fetch(request, { waitUntil: (promise) => event.waitUntil(promise) });
  };
}

/**
 * Registers Sluice as the service's `fetch` listener: the whole of a Compute entry point.
 *
 * @example
 * ```ts
 * import { serve } from "@sluice/fastly";
 * serve({ limits: { rate: "60/60s" } });
 * ```
 */
export function serve(options: FastlyHandlerOptions = {}): void {
  const handle = createHandler(options);
  addEventListener("fetch", (event) => event.respondWith(handle(event)));
}
