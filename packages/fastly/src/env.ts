import { type GatewayOptions, PROVIDER_LIST, type ProviderName } from "@sluice/core";
import { ConfigurationError } from "@sluice/core/adapter";
import { ConfigStore } from "fastly:config-store";

const PROVIDER_NAMES: ProviderName[] = PROVIDER_LIST.map((p) => p.name);

/** What the Config Store can set. Every key is optional; absent keys keep the values given in code. */
export interface FastlySettings {
  /** Gateway options from the store (base URLs, rate limit, cache, flags). */
  gateway: Partial<GatewayOptions>;
  /** Backend names per provider (`<provider>_backend`). */
  backends: Partial<Record<ProviderName, string>>;
  /** Log endpoint for metrics (`log_endpoint`), "" to turn metrics off. */
  logEndpoint?: string;
}

/** The Config Store keys Sluice reads, for docs and error messages. */
export const SETTING_KEYS = [
  ...PROVIDER_NAMES.flatMap((p) => [`${p}_base_url`, `${p}_backend`, `${p}_enabled`]),
  "rate_limit",
  "cache_ttl_seconds",
  "cache_shared",
  "byok",
  "fail_open",
  "base_path",
  "log_endpoint",
] as const;

const flag = (value: string | null): boolean | undefined =>
  value === null ? undefined : /^(1|true|yes|on)$/i.test(value.trim());

/**
 * Reads Sluice's settings from a Fastly Config Store. Call it while handling a request (Fastly opens
 * stores only then); `createHandler` does, once per instance.
 */
export function readSettings(storeName: string): FastlySettings {
  let store: ConfigStore;
  try {
    store = new ConfigStore(storeName);
  } catch {
    throw new ConfigurationError(`Config Store "${storeName}" is not linked to this Fastly service.`);
  }
  const get = (key: string): string | null => {
    const value = store.get(key);
    return value === null || value.trim() === "" ? null : value.trim();
  };
  const gateway: Partial<GatewayOptions> = {};
  const backends: FastlySettings["backends"] = {};
  const providers: NonNullable<GatewayOptions["providers"]> = {};
  for (const name of PROVIDER_NAMES) {
    const baseUrl = get(`${name}_base_url`);
    const enabled = flag(get(`${name}_enabled`));
    if (baseUrl !== null || enabled !== undefined) {
      providers[name] = {
        ...(baseUrl !== null && { baseUrl }),
        ...(enabled !== undefined && { enabled }),
      };
    }
    const backend = get(`${name}_backend`);
    if (backend !== null) backends[name] = backend;
  }
  if (Object.keys(providers).length > 0) gateway.providers = providers;
  const rate = get("rate_limit");
  if (rate !== null) gateway.limits = { rate: /^(off|none|false|0)$/i.test(rate) ? false : rate };
  const ttl = get("cache_ttl_seconds");
  if (ttl !== null) {
    const seconds = Number(ttl);
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new ConfigurationError(
        `Config Store "${storeName}": cache_ttl_seconds must be a number of seconds.`,
      );
    gateway.cache = seconds === 0 ? false : { ttlSeconds: seconds, shared: !!flag(get("cache_shared")) };
  }
  const byok = flag(get("byok"));
  if (byok !== undefined) gateway.clients = { byok };
  const failOpen = flag(get("fail_open"));
  if (failOpen !== undefined) gateway.limits = { ...gateway.limits, failOpen };
  const basePath = get("base_path");
  if (basePath !== null) gateway.basePath = basePath;
  const settings: FastlySettings = { gateway, backends };
  const logEndpoint = store.get("log_endpoint");
  if (logEndpoint !== null) settings.logEndpoint = logEndpoint.trim();
  return settings;
}
