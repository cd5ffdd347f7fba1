/** @module create-sluice as a library: the same generator the CLI runs. */
export { generate, nextSteps } from "./generate.js";
export {
  checkChoices,
  DEFAULT_FEATURES,
  DEFAULT_PROVIDERS,
  FEATURES,
  PROVIDERS,
  RUNTIMES,
  UsageError,
  type Choices,
  type Feature,
  type Provider,
  type Runtime,
} from "./options.js";
export type { Files } from "./runtimes/files.js";
