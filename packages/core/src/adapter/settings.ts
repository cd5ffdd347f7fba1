/**
 * The settings every adapter reads by the same names (`*_BASE_URL`, `SLUICE_RATE_LIMIT`, `SLUICE_CACHE_TTL`),
 * under one rule: a value that is malformed, or that needs a store the platform did not provide, is a
 * `ConfigurationError` naming the fix. Nothing is silently ignored, so nothing runs unlimited or uncached by
 * accident.
 */
import { BASE_URL_ENV, SETTINGS_ENV } from "../env.js";
import type { GatewayOptions } from "../options.js";
import { PROVIDERS, type ProviderName } from "../providers/index.js";
import { parseRate } from "../util/time.js";
import { ConfigurationError } from "./configuration.js";

/** Reads one setting: `(name) => env[name]`, `Deno.env.get`, a Config Store's `get`. */
export type SettingSource = (name: string) => string | null | undefined;

export interface ReadSettingsOptions {
  /** The stores the platform provides; a setting that needs one of the others is an error. */
  stores?: Pick<NonNullable<GatewayOptions["stores"]>, "counters" | "cache">;
  /**
   * How to get each store on this platform, said to the user when a setting needs it, e.g.
   * `pass a Deno KV handle: createHandler({ kv: await Deno.openKv() })`.
   */
  fix: { rateLimit: string; cache: string };
  /** The provider options given in code: a field set there wins over the environment, field by field. */
  providers?: GatewayOptions["providers"];
}

export interface Settings {
  /** The given provider options, with `*_BASE_URL` filling each base URL the code left unset. */
  providers: NonNullable<GatewayOptions["providers"]>;
  /** `SLUICE_RATE_LIMIT`, checked. */
  rateLimit?: string;
  /** `SLUICE_CACHE_TTL`, checked. */
  cache?: { ttlSeconds: number };
}

/**
 * @example
 * const settings = readSettings((name) => env[name], {
 *   stores: { counters, cache },
 *   fix: { rateLimit: "bind the RATE_LIMITER Durable Object", cache: "bind the CACHE KV namespace" },
 * });
 */
export function readSettings(
  get: SettingSource,
  { stores = {}, fix, providers: given = {} }: ReadSettingsOptions,
): Settings {
  const read = (name: string) => get(name)?.trim() || undefined;
  const settings: Settings = { providers: { ...given } };
  for (const [provider, name] of Object.entries(BASE_URL_ENV) as [ProviderName, string][]) {
    const baseUrl = read(name);
    if (!baseUrl) continue;
    if (!URL.canParse(baseUrl)) {
      // Not quoted: clients see this message, and a value that is no URL may be a key pasted into the wrong variable.
      throw new ConfigurationError(
        `${name} is not an absolute URL: set it to one (e.g. ${PROVIDERS[provider].defaultBaseUrl}) or unset it.`,
      );
    }
    settings.providers[provider] = { ...given[provider], baseUrl: given[provider]?.baseUrl ?? baseUrl };
  }

  const rate = read(SETTINGS_ENV.rateLimit);
  if (rate) {
    try {
      parseRate(rate);
    } catch {
      throw new ConfigurationError(
        `SLUICE_RATE_LIMIT is "${rate}": write it as requests/window, e.g. 60/60s or 1000/1h, or unset it.`,
      );
    }
    if (!stores.counters) {
      throw new ConfigurationError(
        `SLUICE_RATE_LIMIT is "${rate}" but there is no counters store (rate limits): ${fix.rateLimit}; or unset SLUICE_RATE_LIMIT.`,
      );
    }
    settings.rateLimit = rate;
  }

  const ttl = read(SETTINGS_ENV.cacheTtl);
  if (ttl) {
    const seconds = Number(ttl);
    if (!Number.isInteger(seconds) || seconds <= 0) {
      throw new ConfigurationError(
        `SLUICE_CACHE_TTL is "${ttl}": set it to a whole number of seconds above 0 (e.g. 300), or unset it.`,
      );
    }
    if (!stores.cache) {
      throw new ConfigurationError(
        `SLUICE_CACHE_TTL is "${ttl}" but there is no cache store: ${fix.cache}; or unset SLUICE_CACHE_TTL.`,
      );
    }
    settings.cache = { ttlSeconds: seconds };
  }
  return settings;
}
