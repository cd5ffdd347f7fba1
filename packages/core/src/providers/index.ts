/**
 * The registry: what the rest of Sluice derives from the provider files in `builtin/` (one provider each,
 * listed in `builtin.gen.ts` by scripts/list-providers.mjs, in file name order).
 */
import { PROVIDER_LIST } from "./builtin.gen.js";
import type { Endpoint, ProviderEnv, ProviderSpec } from "./types.js";

export { PROVIDER_LIST };

export type ProviderName = (typeof PROVIDER_LIST)[number]["name"];

/** Every environment name a provider is configured by (`*_API_KEY`, `*_API_KEY_SECONDARY`, `*_BASE_URL`). */
export type ProviderEnvName = (typeof PROVIDER_LIST)[number]["env"][keyof ProviderEnv];

export const PROVIDERS = Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p])) as {
  readonly [P in (typeof PROVIDER_LIST)[number] as P["name"]]: ProviderSpec;
};

/** Secret names of every provider key, primary and secondary: what an adapter must treat as secrets. */
export const PROVIDER_SECRET_NAMES: readonly string[] = PROVIDER_LIST.flatMap((p) => p.keySecrets);

/** The endpoint a route name ("openai.chat") stands for, if a JSON endpoint of a known provider. */
export function endpointOf(route: string): { provider: ProviderSpec; endpoint: Endpoint } | undefined {
  const dot = route.indexOf(".");
  const name = route.slice(0, dot);
  const provider: ProviderSpec | undefined = Object.hasOwn(PROVIDERS, name)
    ? PROVIDERS[name as ProviderName]
    : undefined;
  const endpoint = provider?.endpoints.find((e) => e.kind === "json" && e.name === route.slice(dot + 1));
  return provider && endpoint ? { provider, endpoint } : undefined;
}

/** Route names ("anthropic.messages", …) of the JSON endpoints that have `flag`. */
export function routesWith(flag: "metered" | "chat" | "usageOptIn" | "countable"): string[] {
  return PROVIDER_LIST.flatMap((p) =>
    (p.endpoints as Endpoint[]).filter((e) => e.kind === "json" && e[flag]).map((e) => `${p.name}.${e.name}`),
  );
}

export type {
  ChatShape,
  CountTokens,
  Endpoint,
  GenAiOperation,
  ProviderDefinition,
  ProviderEnv,
  ProviderSpec,
  RequestedOutput,
  StreamMode,
} from "./types.js";
