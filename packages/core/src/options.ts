import type { Middleware } from "./compose.js";
import type { CorsOptions } from "./middleware/cors.js";
import type { CachePort } from "./ports/cache.js";
import type { KeyStore, ResourceGrant } from "./ports/keys.js";
import type { ResourceStore } from "./ports/resources.js";
import type { MetricsSink } from "./ports/metrics.js";
import type { ObjectStore } from "./ports/objects.js";
import type { RateLimitStore } from "./ports/rate-limit.js";
import type { UsageStore } from "./ports/usage.js";
import type { AdminOptions } from "./admin/index.js";
import type { PricingTable } from "./middleware/pricing.js";
import type { BudgetOptions } from "./spend/budget.js";
import type { SecretsPort } from "./ports/secrets.js";
import type { ModelRoutingOptions } from "./middleware/model-routing.js";
import type { LeaseOptions } from "./middleware/rate-limit-lease.js";
import type { Endpoint, ProviderName } from "./providers/types.js";
import { CircuitBreaker, type CircuitBreakerOptions } from "./upstream/breaker.js";
import type { FallbackTarget } from "./upstream/targets.js";

export interface ProviderOptions {
  /** Upstream base URL; defaults to the provider's real endpoint. */
  baseUrl?: string;
  /** Set false to answer 404 for this provider's routes. */
  enabled?: boolean;
  /** Replaces the default allow-list of pass-through endpoints (model lists, files, batches…). */
  passthrough?: Endpoint[];
  /**
   * Secret holding a comma-separated pool of provider keys. Requests sharing a cacheable prefix go to the
   * same key (prompt-cache affinity); the rest are spread across the pool.
   */
  keyPool?: string;
}

/** How upstream requests are made. Adapters replace it where the platform needs more (Fastly backends). */
export type UpstreamFetch = (url: string, init: RequestInit, provider: ProviderName) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt, before any byte reached the client. Default 2. */
  maxRetries?: number;
  /** First backoff; doubles each attempt, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Backoff ceiling. Default 8 s. */
  maxDelayMs?: number;
  /** A `retry-after` longer than this is not waited for: the error goes back to the client. Default 20 s. */
  maxRetryAfterMs?: number;
}

export interface GatewayOptions {
  /** Provider keys (`ANTHROPIC_API_KEY`, …) and client keys (`SLUICE_KEYS`). */
  secrets: SecretsPort;
  providers?: Partial<Record<ProviderName, ProviderOptions>>;
  /**
   * Client keys. Default: the comma-separated keys in the `SLUICE_KEYS` secret. A `KeyStore` for managed keys,
   * or `false` to run without client keys (only when something in front of Sluice authenticates callers).
   */
  keys?: KeyStore | false;
  /** Accept a client's own provider key (checked for shape, never stored) when it is not a Sluice key. */
  byok?: boolean;
  /** Default per-key rate limit, e.g. "60/60s"; needs `stores.rateLimit`. Default: none. */
  rateLimit?: string | { limit: number; windowSeconds: number } | false;
  /**
   * The state ports. `rateLimit` also keeps token budgets and the circuit breaker; `usage` keeps per-key,
   * per-day counters for `GET /_sluice/usage`.
   */
  /**
   * Opt-in token leasing for the rate limiter: each isolate takes `size` tokens at once and admits from them
   * locally, skipping most store round trips. Never over-admits; may briefly under-admit across isolates.
   */
  rateLimitLease?: LeaseOptions | false;
  stores?: {
    rateLimit?: RateLimitStore;
    cache?: CachePort;
    objects?: ObjectStore;
    usage?: UsageStore;
    /** Who owns the Files, Batches and stored Responses created through Sluice; needed to grant them. */
    resources?: ResourceStore;
  };
  /**
   * Pass-through resource endpoints the `SLUICE_KEYS` keys (which have no record to carry `grants`) may use.
   * Default none: Files, Message Batches and stored Responses answer 403. Needs `stores.resources`.
   */
  staticKeyGrants?: ResourceGrant[];
  /**
   * The admin API under `/_sluice/keys` and `/_sluice/usage`, locked by the `SLUICE_ADMIN_KEY` secret.
   * Default: on when `keys` can be managed (has `put`) or `stores.usage` is set; `false` turns it off.
   */
  admin?: boolean | AdminOptions;
  /** How token budgets (a key record's `budget`) are enforced; budgets live in `stores.rateLimit`. */
  budgets?: BudgetOptions;
  /** Per-million-token prices merged over `DEFAULT_PRICING`, for `costUsd` and the usage counters. */
  pricing?: PricingTable;
  /** One data point per call is written to each sink after the response ends. */
  metrics?: MetricsSink | MetricsSink[];
  /** Exact-match response cache for non-streamed calls; needs `stores.cache`. Default: off. */
  cache?: { ttlSeconds?: number; shared?: boolean } | false;
  cors?: CorsOptions | false;
  retry?: RetryOptions;
  timeouts?: {
    /** Time allowed for upstream response headers. Default 10 min (long non-streamed answers are slow). */
    headersMs?: number;
    /** An SSE stream silent this long is ended with an error event. Default 30 s. */
    streamIdleMs?: number;
  };
  /** Largest request body accepted. Default 32 MiB. */
  maxBodyBytes?: number;
  /**
   * When the rate-limit store cannot be reached (rate limits, budgets): refuse with 503 (default) or let the
   * call through (budget calls then carry `x-sluice-budget: unchecked`).
   */
  failOpen?: boolean;
  /** Your own middleware, run after auth and rate limiting, before the cache and the upstream call. */
  middleware?: Middleware[];
  /**
   * Targets tried in order when the first answers 429/529/5xx, times out, or is overloaded before its first
   * token. Keyed by the model asked for, by route ("anthropic.messages"), or "*".
   */
  fallbacks?: Record<string, FallbackTarget[]>;
  /** Allow fallbacks to another provider, translating Anthropic ⇄ OpenAI chat (re-serializes the body). */
  translate?: boolean;
  /** Per-target circuit breaker kept in `stores.rateLimit`. Default: off. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** How long an Anthropic stream's preamble may be held waiting for its first content event. Default 2000; 0: off. */
  holdPreambleMs?: number;
  /**
   * Opt-in, Anthropic only: when a stream breaks after content was sent, continue it with a prefilled
   * request spliced into the same client stream. `true` allows one resumption per call.
   */
  streamResumption?: boolean | { maxResumes?: number };
  /** Model aliases, task routing and the retirement map. */
  models?: ModelRoutingOptions;
  /** Path prefix Sluice is mounted under, e.g. "/llm". Default "". */
  basePath?: string;
  fetch?: UpstreamFetch;
}

export interface ResolvedOptions {
  secrets: SecretsPort;
  providers: Partial<Record<ProviderName, ProviderOptions>>;
  byok: boolean;
  stores: NonNullable<GatewayOptions["stores"]>;
  metrics: MetricsSink[];
  retry: Required<RetryOptions>;
  headersTimeoutMs: number;
  streamIdleMs: number;
  maxBodyBytes: number;
  failOpen: boolean;
  basePath: string;
  fetch: UpstreamFetch;
  fallbacks: Record<string, FallbackTarget[]>;
  translate: boolean;
  breaker?: CircuitBreaker;
  holdPreambleMs: number;
  maxResumes: number;
}

export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  if (!options?.secrets) {
    throw new TypeError(
      "createGateway needs `secrets`: pass your platform's adapter, or memorySecrets({...}) for tests.",
    );
  }
  const metrics = options.metrics
    ? Array.isArray(options.metrics)
      ? options.metrics
      : [options.metrics]
    : [];
  return {
    secrets: options.secrets,
    providers: options.providers ?? {},
    byok: options.byok ?? false,
    stores: options.stores ?? {},
    metrics,
    retry: {
      maxRetries: options.retry?.maxRetries ?? 2,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 20_000,
    },
    headersTimeoutMs: options.timeouts?.headersMs ?? 600_000,
    streamIdleMs: options.timeouts?.streamIdleMs ?? 30_000,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    failOpen: options.failOpen ?? false,
    basePath: (options.basePath ?? "").replace(/\/$/, ""),
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    fallbacks: options.fallbacks ?? {},
    translate: options.translate ?? false,
    breaker:
      options.circuitBreaker && options.stores?.rateLimit
        ? new CircuitBreaker(options.stores.rateLimit, options.circuitBreaker)
        : undefined,
    holdPreambleMs: options.holdPreambleMs ?? 2000,
    maxResumes:
      options.streamResumption === true
        ? 1
        : options.streamResumption
          ? (options.streamResumption.maxResumes ?? 1)
          : 0,
  };
}
