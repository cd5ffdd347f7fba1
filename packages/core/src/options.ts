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
import type { PassThrough } from "./stream/observe.js";
import type { LeaseOptions } from "./middleware/rate-limit-lease.js";
import type { RetentionOptions } from "./housekeeping.js";
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

/**
 * The state ports, each named for what it keeps. Features that need one say so at startup when it is missing.
 */
export interface GatewayStores {
  /**
   * Atomic counters with expiry: rate limits, token budgets, the circuit breaker and the admin throttle all
   * keep their buckets here (your adapter's rate-limit store: a Durable Object, Deno KV, Redis…).
   */
  counters?: RateLimitStore;
  /** Entries for the response cache (`cache`). */
  cache?: CachePort;
  /** Object bodies (uploads, hydrated references, request logs). */
  objects?: ObjectStore;
  /** Per-key, per-hour usage counters for `GET /_sluice/usage` and the dashboard. */
  usage?: UsageStore;
  /** Who owns the Files, Batches and stored Responses created through Sluice; needed to grant them. */
  resources?: ResourceStore;
}

/** Who may call: client keys, bring-your-own-key, and what the static keys may reach. */
export interface ClientOptions {
  /**
   * Client keys. Default: the comma-separated keys in the `SLUICE_KEYS` secret. A `KeyStore` for managed keys,
   * or `false` to run without client keys (only when something in front of Sluice authenticates callers).
   */
  keys?: KeyStore | false;
  /** Accept a client's own provider key (checked for shape, never stored) when it is not a Sluice key. */
  byok?: boolean;
  /**
   * Pass-through resource endpoints the `SLUICE_KEYS` keys (which have no record to carry `grants`) may use.
   * Default none: Files, Message Batches and stored Responses answer 403. Needs `stores.resources`.
   */
  staticKeyGrants?: ResourceGrant[];
}

/** How much a key may do: its request rate, its token budget and the largest body. */
export interface LimitOptions {
  /** Default per-key rate limit, e.g. "60/60s"; needs `stores.counters`. Default: none. */
  rate?: string | { limit: number; windowSeconds: number } | false;
  /**
   * Token leasing for the rate limit: an isolate takes several tokens at once and admits from them locally,
   * skipping most store round trips. Never over-admits; may briefly under-admit across isolates. Default
   * `{ size: "auto" }`: a key is leased only once its calls pile up behind the store, holding at most 1/16 of
   * its bucket (up to 64); `{ size: N }` always leases N; `false`: every call goes to the store.
   */
  lease?: LeaseOptions | false;
  /** How token budgets (a key record's `budget`) are enforced; they are kept in `stores.counters`. */
  budgets?: Omit<BudgetOptions, "failOpen">;
  /**
   * When `stores.counters` cannot be reached (rate limits, budgets): refuse with 503 (default) or let the
   * call through (budget calls then carry `x-sluice-budget: unchecked`).
   */
  failOpen?: boolean;
  /** Largest request body accepted. Default 32 MiB. */
  maxBodyBytes?: number;
}

/** How the upstream is called: retries, fallbacks, deadlines and the breaker. */
export interface UpstreamOptions {
  retry?: RetryOptions;
  /**
   * Targets tried in order when the first answers 429/529/5xx, times out, or is overloaded before its first
   * token. Keyed by the model asked for, by route ("anthropic.messages"), or "*".
   */
  fallbacks?: Record<string, FallbackTarget[]>;
  /** Allow fallbacks to another provider, translating Anthropic ⇄ OpenAI chat (re-serializes the body). */
  translate?: boolean;
  timeouts?: {
    /** Time allowed for upstream response headers. Default 10 min (long non-streamed answers are slow). */
    headersMs?: number;
    /** An SSE stream silent this long is ended with an error event. Default 30 s. */
    streamIdleMs?: number;
  };
  /** Per-target circuit breaker kept in `stores.counters`. Default: off. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * Pass the provider's rate-limit headers (`anthropic-ratelimit-*`, `x-ratelimit-*`) on calls made with the
   * operator's key. Default false: they describe the operator's whole account, which every client key
   * shares (another client's traffic shows in them), not the caller's own limits. BYOK calls answered with
   * the caller's own key get them (the account is theirs); a fallback that used a key of the operator's does
   * not. Sluice's metrics read them either way (`upstreamTokensRemaining`).
   */
  providerRateLimitHeaders?: boolean;
  /** How long an Anthropic stream's preamble may be held waiting for its first content event. Default 2000; 0: off. */
  holdPreambleMs?: number;
  /**
   * Opt-in, Anthropic only: when a stream breaks after content was sent, continue it with a prefilled
   * request spliced into the same client stream. `true` allows one resumption per call. The text sent so
   * far is held for the prefill; a stream past 4 Mi characters of text (longer than any model's answer)
   * is no longer resumed, and lets it go.
   */
  streamResumption?: boolean | { maxResumes?: number };
  /**
   * The runtime's own pass-through stream (workerd: `() => new IdentityTransformStream()`). With it, a streamed
   * answer is written into it chunk by chunk instead of being served from a JavaScript `ReadableStream`: the
   * same bytes, checks and backpressure, for less CPU per event where the runtime moves its own streams
   * natively (docs/benchmarks.md). Without it: a JavaScript byte stream, which every runtime has.
   */
  passThrough?: PassThrough;
  /**
   * Stream SSE answers through the runtime rather than JavaScript: the upstream body is `tee()`d, one branch
   * piped natively to the client through `passThrough`, the other read for usage a few times per stream.
   * Needs `passThrough` (or takes it here, `{ passThrough }`). Off by default: on this path an in-stream error
   * event of a success stream reaches the client unscrubbed (docs/security.md). `"byok"`: only streams
   * answered with the caller's own provider key (`clients.byok`), which carry no key of the operator's to
   * scrub; `@sluice/cloudflare` sets it. Streams that resume or translate, and Gemini's JSON-array streams,
   * always take the JavaScript path.
   */
  nativeStreams?: boolean | "byok" | { passThrough: PassThrough };
  /** How upstream requests are made. Default: the global `fetch`. */
  fetch?: UpstreamFetch;
}

export interface GatewayOptions {
  /** Provider keys (`ANTHROPIC_API_KEY`, …) and client keys (`SLUICE_KEYS`). */
  secrets: SecretsPort;
  /** The state ports; see `GatewayStores`. */
  stores?: GatewayStores;
  providers?: Partial<Record<ProviderName, ProviderOptions>>;
  clients?: ClientOptions;
  limits?: LimitOptions;
  upstream?: UpstreamOptions;
  /** Exact-match response cache for non-streamed calls; needs `stores.cache`. Default: off. */
  cache?: { ttlSeconds?: number; shared?: boolean } | false;
  /** One data point per call is written to each sink after the response ends. */
  metrics?: MetricsSink | MetricsSink[];
  /** Per-million-token prices merged over `DEFAULT_PRICING`, for `costUsd` and the usage counters. */
  pricing?: PricingTable;
  /**
   * The admin API under `/_sluice/keys` and `/_sluice/usage`, locked by the `SLUICE_ADMIN_KEY` secret.
   * Default: on when `clients.keys` can be managed (has `put`) or `stores.usage` is set; `false` turns it off.
   */
  admin?: boolean | AdminOptions;
  cors?: CorsOptions | false;
  /**
   * Your own middleware, run after auth and rate limiting, before the cache and the upstream call; model
   * aliases and task routing are one: `middleware: [modelRouting({ aliases: { fast: "…" } })]`.
   */
  middleware?: Middleware[];
  /** Path prefix Sluice is mounted under, e.g. "/llm". Default "". */
  basePath?: string;
  /** How long `gateway.housekeeping()` keeps usage hourly, and at all. Default 7 and 400 days. */
  retention?: RetentionOptions;
}

export interface ResolvedOptions {
  secrets: SecretsPort;
  providers: Partial<Record<ProviderName, ProviderOptions>>;
  byok: boolean;
  stores: GatewayStores;
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
  /** The operator's account's rate-limit headers reach the client (`upstream.providerRateLimitHeaders`). */
  providerRateLimitHeaders: boolean;
  maxResumes: number;
  /** The runtime's pass-through stream, when it has one: streamed answers are pumped into it. */
  passThrough?: PassThrough;
  /** Which SSE answers take the native stream path (through `passThrough`): true all, "byok" those on the caller's own key, false none. */
  nativeStreams: boolean | "byok";
}

export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  if (!options?.secrets) {
    throw new TypeError(
      "createGateway needs `secrets`: pass your platform's adapter, or memorySecrets({...}) for tests.",
    );
  }
  const stores = options.stores ?? {};
  assertStores(options, stores);
  const upstream = options.upstream ?? {};
  const { nativeStreams, passThrough } = nativeStreamOptions(upstream);
  const metrics = options.metrics
    ? Array.isArray(options.metrics)
      ? options.metrics
      : [options.metrics]
    : [];
  return {
    secrets: options.secrets,
    providers: options.providers ?? {},
    byok: options.clients?.byok ?? false,
    stores,
    metrics,
    retry: {
      maxRetries: upstream.retry?.maxRetries ?? 2,
      baseDelayMs: upstream.retry?.baseDelayMs ?? 500,
      maxDelayMs: upstream.retry?.maxDelayMs ?? 8_000,
      maxRetryAfterMs: upstream.retry?.maxRetryAfterMs ?? 20_000,
    },
    headersTimeoutMs: upstream.timeouts?.headersMs ?? 600_000,
    streamIdleMs: upstream.timeouts?.streamIdleMs ?? 30_000,
    maxBodyBytes: options.limits?.maxBodyBytes ?? 32 * 1024 * 1024,
    failOpen: options.limits?.failOpen ?? false,
    basePath: (options.basePath ?? "").replace(/\/$/, ""),
    fetch: upstream.fetch ?? ((url, init) => fetch(url, init)),
    fallbacks: upstream.fallbacks ?? {},
    translate: upstream.translate ?? false,
    breaker:
      upstream.circuitBreaker && stores.counters
        ? new CircuitBreaker(stores.counters, upstream.circuitBreaker)
        : undefined,
    holdPreambleMs: upstream.holdPreambleMs ?? 2000,
    providerRateLimitHeaders: upstream.providerRateLimitHeaders ?? false,
    passThrough,
    nativeStreams,
    maxResumes:
      upstream.streamResumption === true
        ? 1
        : upstream.streamResumption
          ? (upstream.streamResumption.maxResumes ?? 1)
          : 0,
  };
}

/**
 * `upstream.nativeStreams` and `upstream.passThrough`, checked: the native path scrubs nothing, so a value
 * that is not one of the documented ones (a typo, "off") is a startup error, never read as "every stream".
 */
function nativeStreamOptions(upstream: UpstreamOptions): {
  nativeStreams: boolean | "byok";
  passThrough?: PassThrough;
} {
  const value: unknown = upstream.nativeStreams;
  const given =
    typeof value === "object" && value !== null ? (value as { passThrough?: unknown }) : undefined;
  if (!(value === undefined || typeof value === "boolean" || value === "byok" || given)) {
    throw new TypeError(
      `\`upstream.nativeStreams\` is ${JSON.stringify(value) ?? String(value)}; use false (every stream on the ` +
        'JavaScript path), "byok" (only streams on the caller\'s own provider key) or true (every SSE stream).',
    );
  }
  const passThrough: unknown = given ? given.passThrough : upstream.passThrough;
  if (passThrough !== undefined && typeof passThrough !== "function") {
    throw new TypeError(
      "`upstream.passThrough` must be a function that returns a { readable, writable } pair " +
        "(workerd: () => new IdentityTransformStream()).",
    );
  }
  if (value && !passThrough) {
    throw new TypeError(
      `\`upstream.nativeStreams\` (${given ? "{ passThrough }" : JSON.stringify(value)}; ` +
        '@sluice/cloudflare sets "byok" by default) needs the runtime\'s pass-through stream: set ' +
        "`upstream.passThrough` (workerd: () => new IdentityTransformStream(); @sluice/cloudflare sets it), " +
        "or set nativeStreams to false.",
    );
  }
  return {
    nativeStreams: given ? true : ((value as boolean | "byok" | undefined) ?? false),
    passThrough: passThrough as PassThrough | undefined,
  };
}

/**
 * The one place a feature meets its store: a feature turned on without the store it keeps its state in is a
 * startup error naming the option and the fix, never a feature silently off.
 */
function assertStores(options: GatewayOptions, stores: GatewayStores): void {
  const needs: [on: unknown, store: keyof GatewayStores, feature: string, what: string][] = [
    [options.limits?.rate, "counters", "`limits.rate`", "keeps its buckets"],
    [options.limits?.lease, "counters", "`limits.lease`", "leases its tokens"],
    [options.upstream?.circuitBreaker, "counters", "`upstream.circuitBreaker`", "counts overloads"],
    [options.cache, "cache", "`cache`", "keeps its entries"],
    [
      options.clients?.staticKeyGrants?.length,
      "resources",
      "`clients.staticKeyGrants`",
      "records who owns each file or batch",
    ],
  ];
  if (options.limits?.lease && stores.counters?.exactCosts === false) {
    throw new TypeError(
      "`limits.lease` needs a rate-limit store that takes exact costs and gives tokens back; this one counts " +
        "calls or cannot refund (a platform rate limiter): use an exact store (a Durable Object, Redis, " +
        "Upstash, Deno KV), or turn `limits.lease` off.",
    );
  }
  for (const [on, store, feature, what] of needs) {
    if (on && !stores[store]) {
      throw new TypeError(
        `${feature} needs \`stores.${store}\`, where it ${what}: pass your adapter's ${STORE_HINT[store]}, or turn ${feature} off.`,
      );
    }
  }
}

const STORE_HINT: Record<keyof GatewayStores, string> = {
  counters: 'rate-limit store (memoryRateLimitStore() from "@sluice/core/memory" on a single process)',
  cache: 'cache store (memoryCache() from "@sluice/core/memory" on a single process)',
  objects: "object store",
  usage: "usage store",
  resources: 'resource store (memoryResourceStore() from "@sluice/core/memory" on a single process)',
};
