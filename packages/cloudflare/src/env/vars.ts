/** The `env` a Sluice Worker reads (secrets, `vars`, bindings) and the provider base URLs set in it. */
import { PROVIDER_LIST, type ProviderEnvName, type ProviderName } from "@sluice/core";
import type { SluiceSessions } from "../features/sessions/durable-object.js";
import type { SluiceKeys } from "../durable-objects/keys.js";
import type { SluiceRateLimiter } from "../durable-objects/rate-limiter.js";
import type { SluiceUsage } from "../durable-objects/usage.js";

/**
 * Every provider's names (from its provider file in core): the `*_API_KEY` and `*_API_KEY_SECONDARY` secrets
 * and the `*_BASE_URL` setting.
 */
type ProviderEnvVars = { [Name in ProviderEnvName]?: string };

/**
 * Everything `createWorker` reads from `env` under the default binding names, all optional. Handy as the
 * `Env` of a Worker that is only Sluice; with `wrangler types`, use the generated `Env` instead.
 */
export interface SluiceEnv extends ProviderEnvVars {
  /** Secrets (`wrangler secret put`, `.dev.vars` locally), never `vars`. */
  SLUICE_KEYS?: string;
  /** Unlocks the admin API (`/_sluice/keys`, `/_sluice/usage`). */
  SLUICE_ADMIN_KEY?: string;
  R2_ACCESS_KEY_ID?: string;
  R2_SECRET_ACCESS_KEY?: string;
  /** Settings (`vars`). */
  SLUICE_RATE_LIMIT?: string;
  R2_ACCOUNT_ID?: string;
  R2_BUCKET_NAME?: string;
  /** Bindings. */
  RATE_LIMITER?: DurableObjectNamespace<SluiceRateLimiter>;
  SESSIONS?: DurableObjectNamespace<SluiceSessions>;
  KEYS?: DurableObjectNamespace<SluiceKeys>;
  USAGE?: DurableObjectNamespace<SluiceUsage>;
  AI?: Ai;
  RATE_LIMIT?: RateLimit;
  CACHE?: KVNamespace;
  OBJECTS?: R2Bucket;
  METRICS?: AnalyticsEngineDataset;
}

/** Non-secret settings read from `env` (`vars`). Provider base URLs override the real endpoints. */
export const BASE_URL_VARS = Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p.env.baseUrl])) as Record<
  ProviderName,
  string
>;
