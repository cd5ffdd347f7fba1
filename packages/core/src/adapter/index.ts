/**
 * @module `@sluice/core/adapter`: what every runtime adapter needs and gateway users do not: the settings
 * reader, the static-plus-managed key set, the configuration-error answer, a background-task tracker, and the
 * helpers stores are written with (token-bucket math, usage counters, object-key checks).
 */
export { ConfigurationError, configurationErrorResponse } from "./configuration.js";
export {
  readSettings,
  type ReadSettingsOptions,
  type SettingSource,
  type Settings,
} from "./settings.js";
export { withStaticKeys, type StaticKeysOptions } from "./keys.js";
export { backgroundTasks, type BackgroundTasks } from "./background.js";
export type { ManagedKeyStore } from "../ports/keys.js";
export { takeFromBucket, bucketTtlMs, type BucketState } from "../bucket.js";
export { addEntry, COUNTER_FIELDS, counterEntries, daysBetween, hoursBetween } from "../ports/usage.js";
export { objectKeyProblem } from "../util/object-key.js";
