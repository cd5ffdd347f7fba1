/**
 * @module The env contract the adapters read (`*_API_KEY`, `SLUICE_KEYS`, `*_BASE_URL`, `SLUICE_RATE_LIMIT`,
 * `SLUICE_CACHE_TTL`), from a plain record, for runtimes without an adapter (Node, Bun). The caller passes the
 * record (`process.env`); core itself still reads no global.
 */
import type { GatewayOptions } from "./options.js";
import type { SecretsPort } from "./ports/index.js";
import { PROVIDER_LIST, PROVIDERS, type ProviderName } from "./providers/index.js";
import { parseRate } from "./util/time.js";

/** `process.env`, a parsed `.env` file, a Workers `env`: any record of strings. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** The setting naming each provider's upstream base URL: `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`, … */
export const BASE_URL_ENV = Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p.env.baseUrl])) as Record<
  ProviderName,
  string
>;

/** `SLUICE_RATE_LIMIT` (e.g. `60/60s`) and `SLUICE_CACHE_TTL` (seconds), as on every adapter. */
export const SETTINGS_ENV = { rateLimit: "SLUICE_RATE_LIMIT", cacheTtl: "SLUICE_CACHE_TTL" } as const;

/**
 * Secrets read from `env` on every call (so a rotated value applies at once); an empty value counts as unset.
 *
 * @example
 * createGateway({ secrets: envSecrets(process.env) });
 */
export function envSecrets(env: EnvRecord): SecretsPort {
  return { get: (name) => env[name] || undefined };
}

/**
 * Gateway options from `env`, the same names the adapters read: secrets, provider base URLs, the rate limit and
 * the cache TTL. A setting that needs a store you did not pass is an error naming the fix, never ignored.
 *
 * @example
 * const gateway = createGateway({
 *   ...gatewayOptionsFromEnv(process.env, { stores: { counters: memoryRateLimitStore(), cache: memoryCache() } }),
 *   basePath: "/llm",
 * });
 */
export function gatewayOptionsFromEnv(
  env: EnvRecord,
  { stores = {} }: Pick<GatewayOptions, "stores"> = {},
): Pick<GatewayOptions, "secrets" | "providers" | "stores" | "limits" | "cache"> {
  const providers: NonNullable<GatewayOptions["providers"]> = {};
  for (const [provider, name] of Object.entries(BASE_URL_ENV) as [ProviderName, string][]) {
    const baseUrl = env[name]?.trim();
    if (!baseUrl) continue;
    if (!URL.canParse(baseUrl)) {
      throw new TypeError(
        `${name} is "${baseUrl}": set it to an absolute URL (e.g. ${PROVIDERS[provider].defaultBaseUrl}) or unset it.`,
      );
    }
    providers[provider] = { baseUrl };
  }
  const options: ReturnType<typeof gatewayOptionsFromEnv> = { secrets: envSecrets(env), providers, stores };

  const rate = env[SETTINGS_ENV.rateLimit]?.trim();
  if (rate) {
    parseRate(rate); // throws naming the expected format
    if (!stores.counters) {
      throw new TypeError(
        `SLUICE_RATE_LIMIT is "${rate}" but no counters store was passed: gatewayOptionsFromEnv(env, { stores: { counters: memoryRateLimitStore() } }) for one process (from "@sluice/core/memory"), a shared store for several, or unset SLUICE_RATE_LIMIT.`,
      );
    }
    options.limits = { rate };
  }

  const ttl = env[SETTINGS_ENV.cacheTtl]?.trim();
  if (ttl) {
    const seconds = Number(ttl);
    if (!Number.isInteger(seconds) || seconds <= 0) {
      throw new TypeError(
        `SLUICE_CACHE_TTL is "${ttl}": set it to a whole number of seconds above 0 (e.g. 300), or unset it.`,
      );
    }
    if (!stores.cache) {
      throw new TypeError(
        `SLUICE_CACHE_TTL is "${ttl}" but no cache store was passed: gatewayOptionsFromEnv(env, { stores: { cache: memoryCache() } }) (from "@sluice/core/memory"), or unset SLUICE_CACHE_TTL.`,
      );
    }
    options.cache = { ttlSeconds: seconds };
  }
  return options;
}
