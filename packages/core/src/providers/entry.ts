/**
 * @module `@sluice/core/providers`: the provider registry alone (names, env names, routes), for tools that
 * need it without the gateway, such as create-sluice.
 */
export {
  type ChatShape,
  type Endpoint,
  PROVIDER_LIST,
  PROVIDER_SECRET_NAMES,
  PROVIDERS,
  type ProviderEnv,
  type ProviderEnvName,
  type ProviderName,
  type ProviderDefinition,
  type ProviderSpec,
} from "./index.js";
export { defineProvider } from "./define.js";
export { type FindObjectSlots, type LoadedObject, type ObjectSlot, objectRef } from "./object-slots.js";
