/**
 * @module The env contract the adapters read (`*_API_KEY`, `SLUICE_KEYS`, `*_BASE_URL`, `SLUICE_RATE_LIMIT`,
 * `SLUICE_CACHE_TTL`), from a plain record, for runtimes without an adapter (Node, Bun). The caller passes the
 * record (`process.env`); core itself still reads no global.
 */
import type { GatewayOptions } from "./options.js";
import type { SecretsPort } from "./ports/index.js";
import { readSettings } from "./adapter/settings.js";
import { PROVIDER_LIST, type ProviderName } from "./providers/index.js";

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
  const settings = readSettings((name) => env[name], {
    stores,
    fix: {
      rateLimit:
        'pass one, gatewayOptionsFromEnv(env, { stores: { counters: memoryRateLimitStore() } }) for one process (from "@sluice/core/memory"), a shared store for several',
      cache:
        'pass one, gatewayOptionsFromEnv(env, { stores: { cache: memoryCache() } }) (from "@sluice/core/memory")',
    },
  });
  return {
    secrets: envSecrets(env),
    stores,
    providers: settings.providers,
    ...(settings.rateLimit ? { limits: { rate: settings.rateLimit } } : {}),
    ...(settings.cache ? { cache: settings.cache } : {}),
  };
}
