/** Turns a provider definition (one file in `builtin/`) into the spec the gateway runs on. */
import type { ProviderDefinition, ProviderEnv, ProviderSpec } from "./types.js";

/**
 * @example
 * export const acme = defineProvider({ name: "acme", env: { apiKey: "ACME_API_KEY", … }, … });
 */
export function defineProvider<const N extends string, const E extends ProviderEnv>(
  definition: ProviderDefinition<N> & { env: E },
): ProviderSpec<N> & { env: E } {
  return { ...definition, keySecrets: [definition.env.apiKey, definition.env.secondaryApiKey] };
}
