/**
 * Compile-time proof that the stand-ins have the shapes @fastly/js-compute declares: instance sides are
 * checked by `implements` in each file; here, constructors and the static members the adapter calls.
 * Type-checked by `tsc -p tsconfig.json` with only Fastly's types loaded. Nothing here runs.
 */
import type * as FastlyBackend from "fastly:backend";
import type * as FastlyCache from "fastly:cache";
import type * as FastlyConfig from "fastly:config-store";
import type * as FastlyErl from "fastly:edge-rate-limiter";
import type * as FastlyKv from "fastly:kv-store";
import type * as FastlyLogger from "fastly:logger";
import type * as FastlySecrets from "fastly:secret-store";
import { Backend } from "./backend.js";
import { CoreCache } from "./cache.js";
import { ConfigStore } from "./config-store.js";
import { EdgeRateLimiter, PenaltyBox, RateCounter } from "./edge-rate-limiter.js";
import { fastlyFetch } from "./fetch.js";
import { KVStore } from "./kv-store.js";
import { Logger } from "./logger.js";
import { SecretStore } from "./secret-store.js";

export const conformance: {
  backend: Pick<typeof FastlyBackend.Backend, "exists" | "fromName" | "prototype">;
  backendNew: new (c: FastlyBackend.BackendConfiguration) => FastlyBackend.Backend;
  coreCache: Pick<typeof FastlyCache.CoreCache, "lookup" | "insert">;
  configStore: typeof FastlyConfig.ConfigStore;
  rateCounter: typeof FastlyErl.RateCounter;
  penaltyBox: typeof FastlyErl.PenaltyBox;
  edgeRateLimiter: new (r: RateCounter, p: PenaltyBox) => FastlyErl.EdgeRateLimiter;
  kvStore: typeof FastlyKv.KVStore;
  logger: typeof FastlyLogger.Logger;
  secretStore: typeof FastlySecrets.SecretStore;
  fetch: typeof fetch;
} = {
  backend: Backend,
  backendNew: Backend,
  coreCache: CoreCache,
  configStore: ConfigStore,
  rateCounter: RateCounter,
  penaltyBox: PenaltyBox,
  edgeRateLimiter: EdgeRateLimiter,
  kvStore: KVStore,
  logger: Logger,
  secretStore: SecretStore,
  fetch: fastlyFetch,
};
