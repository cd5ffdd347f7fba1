/** What `createWorker` accepts besides `env`, and the report of which features ended up on. */
import type { GatewayOptions, HydrateOptions } from "@sluice/core";
import type { RequestLogOptions } from "../features/request-log.js";
import type { SessionOptions } from "../features/sessions/middleware.js";
import type { UploadsOptions } from "../features/uploads.js";
import type { AnalyticsEngineMetricsOptions } from "../metrics.js";
import type { DurableObjectRateLimitOptions } from "../rate-limit.js";
import type { BindingNames } from "./bindings.js";

export interface CloudflareOptions<E = object> {
  bindings?: Partial<BindingNames>;
  /**
   * Options of the counters store (core's `stores.counters`: rate limits, budgets, the breaker): the Durable
   * Object store's hot-key sharding, and the rate-limiting binding's period when that binding is used instead.
   */
  counters?: DurableObjectRateLimitOptions & { bindingPeriodSeconds?: number };
  /** Response cache settings when the KV binding exists; `false` turns it off. Default TTL 300 s. */
  cache?: { ttlSeconds?: number; shared?: boolean } | false;
  /** Analytics Engine sink settings when the dataset binding exists; `false` turns it off. */
  metrics?: AnalyticsEngineMetricsOptions | false;
  /** Hydrate `sluice-object://<key>` references from the R2 bucket (rewrites bodies). Off by default. */
  hydrate?: HydrateOptions | boolean;
  /** Answer `POST /_sluice/uploads` with pre-signed R2 upload URLs (needs the R2 vars and secrets). Off by default. */
  uploads?: UploadsOptions | boolean;
  /** NDJSON request log in R2 (`binding`: the bucket, default the objects bucket). Off by default. */
  requestLog?: (RequestLogOptions & { binding?: string }) | boolean;
  /** Conversation sessions; on when the `SESSIONS` binding exists, `false` turns them off. */
  sessions?: SessionOptions | false;
  /** Workers AI on the OpenAI route; on when the `AI` binding exists, `false` turns it off. */
  workersAi?: false;
  /**
   * Managed client keys (the admin API's `/_sluice/keys`) in the `SluiceKeys` Durable Object. Default: on when
   * the `KEYS` binding exists; `false` turns them off; `true` or an object requires the binding (a startup
   * error names it). The `SLUICE_KEYS` secret's keys keep working next to them unless `staticKeys: false`;
   * `name` picks the object (another name, another key set).
   */
  managedKeys?: boolean | { staticKeys?: boolean; name?: string };
  /**
   * Per-key usage counters (`GET /_sluice/usage`) in the `SluiceUsage` Durable Object. Default: on when the
   * `USAGE` binding exists; `false` turns them off; `true` requires the binding.
   */
  usage?: boolean;
  /**
   * Stream SSE answers through workerd itself: the upstream body is `tee()`d, one branch piped natively into
   * an `IdentityTransformStream` for the client, the other read for usage a few times per stream (instead of
   * every chunk through JavaScript). On this path an in-stream error event of a success stream reaches the
   * client unscrubbed (docs/security.md), so by default (`"byok"`) only streams answered with the caller's own
   * provider key take it: they carry no key of the operator's. `true`: every SSE stream; `false`: none.
   * Measured in docs/benchmarks.md.
   */
  nativeStreams?: boolean | "byok";
  /** Anything else for `createGateway`, fixed or computed from `env`; it wins over what is read from env. */
  gateway?: Partial<GatewayOptions> | ((env: E) => Partial<GatewayOptions>);
}

export interface Features {
  /** Which store keeps the counters (rate limits, budgets, the breaker): the `counters` option's store. */
  counters: "durable-object" | "rate-limiting-binding" | "off";
  cache: boolean;
  metrics: boolean;
  objects: boolean;
  presignUpload: boolean;
  hydrate: boolean;
  uploads: boolean;
  requestLog: boolean;
  sessions: boolean;
  workersAi: boolean;
  /** Managed keys from the `SluiceKeys` Durable Object (and the admin API). */
  managedKeys: boolean;
  usage: boolean;
}

/** An opt-in feature's options: `true` is the defaults, `false`/unset is off. */
export const want = <T>(value: T | boolean | undefined): T | undefined =>
  value === true ? ({} as T) : value ? value : undefined;
