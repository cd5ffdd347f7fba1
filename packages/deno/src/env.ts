import { type GatewayOptions, PROVIDER_LIST, type ProviderName } from "@sluice/core";

/** The part of `Deno.env` Sluice reads (structural, so Node's tsc can check this file too). */
export interface EnvLike {
  get(name: string): string | undefined;
}

/** Environment names the examples share across adapters. */
export const ENV_NAMES = {
  /** Each provider's `*_BASE_URL`, from its provider file in core. */
  baseUrls: Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p.env.baseUrl])) as Record<
    ProviderName,
    string
  >,
  keys: "SLUICE_KEYS",
  rateLimit: "SLUICE_RATE_LIMIT",
  cacheTtl: "SLUICE_CACHE_TTL",
} as const;

/** Gateway settings from the shared names: upstream base URLs, `SLUICE_RATE_LIMIT`, `SLUICE_CACHE_TTL`. */
export function optionsFromEnv(
  env: EnvLike,
): Pick<GatewayOptions, "providers"> & { rate?: string; cacheTtlSeconds?: number } {
  const providers: NonNullable<GatewayOptions["providers"]> = {};
  for (const [provider, name] of Object.entries(ENV_NAMES.baseUrls)) {
    const baseUrl = env.get(name);
    if (baseUrl) providers[provider as ProviderName] = { baseUrl };
  }
  const rate = env.get(ENV_NAMES.rateLimit) || undefined;
  const ttl = Number(env.get(ENV_NAMES.cacheTtl) ?? "");
  return {
    providers,
    ...(rate ? { rate } : {}),
    ...(Number.isFinite(ttl) && ttl > 0 ? { cacheTtlSeconds: ttl } : {}),
  };
}
