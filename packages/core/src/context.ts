import type { FailureName } from "./failures.js";
import type { ResolvedOptions } from "./options.js";
import type { ClientKeyRecord } from "./ports/keys.js";
import type { Endpoint, ProviderName, ProviderSpec } from "./providers/types.js";
import { emptyUsage } from "./stream/usage.js";
import type { TapResult } from "./stream/tap.js";
import { Semaphore } from "./util/semaphore.js";

/** Workers allow six outbound connections waiting on headers per invocation; more serialize anyway. */
const OUTBOUND_LIMIT = 6;

/** What the runtime offers for work that outlives the response (Workers' ctx, Vercel's waitUntil…). */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * A request before it is matched to a provider route: what CORS, /healthz, the admin routes and the 404
 * answer see, at the front of the chain.
 */
export interface RequestContext {
  readonly request: Request;
  readonly url: URL;
  readonly execution?: ExecutionContextLike;
}

/** Everything one call through Sluice knows, handed to each middleware. */
export class GatewayContext {
  readonly startedAt = Date.now();
  /** The model asked for: from the JSON body, or from the path (Gemini). */
  model: string;
  /**
   * The target whose response was passed on: the fallback's provider and model when a fallback answered.
   * Unset when no upstream answer reached the client. Cost and metrics name the call by it.
   */
  answered?: { provider: ProviderName; model: string };
  /** Whether the response will be a stream. */
  stream = false;
  /** The authenticated client key (never the key itself). */
  client?: ClientKeyRecord;
  /** The provider key is the client's own (bring-your-own-key), not the operator's. */
  byok = false;
  /** The request body as the client sent it: forwarded byte for byte. */
  body?: Uint8Array;
  /** A parsed copy of the body, for policy that reads it. Changing it changes nothing upstream. */
  json?: unknown;
  failure?: FailureName;
  retries = 0;
  cache: "HIT" | "MISS" | "" = "";
  /** Upstream response headers, once there are some. */
  upstreamHeaders?: Headers;
  /**
   * Resolves when the response body has ended, with the usage read from it. Set by the upstream handler
   * from what `respond()` returns; middleware read it after `next()`.
   */
  completion: Promise<TapResult> = Promise.resolve({ usage: emptyUsage(), ttfbMs: -1, bytes: 0 });
  /** Room for your own middleware to pass things along. */
  readonly state = new Map<string, unknown>();
  /** The fan-out guard: at most six upstream requests of this call wait on headers at once. */
  readonly outbound = new Semaphore(OUTBOUND_LIMIT);
  #providerKey: string | undefined;
  /** The provider key the caller presented (BYOK), recorded by `useCallerKey` and nowhere else. */
  #callerKey: string | undefined;
  readonly #pending: Promise<unknown>[] = [];

  constructor(
    readonly request: Request,
    readonly url: URL,
    readonly provider: ProviderSpec,
    readonly endpoint: Endpoint,
    /** The path sent upstream, after the base URL (model routing may change Gemini's). */
    public upstreamPath: string,
    readonly options: ResolvedOptions,
    private readonly execution: ExecutionContextLike | undefined,
    model: string,
  ) {
    this.model = model;
  }

  /** "anthropic.messages", "openai.chat", … */
  get route(): string {
    return `${this.provider.name}.${this.endpoint.name}`;
  }

  /** The provider key to send upstream. A private field, so logging the context can never show it. */
  get providerKey(): string | undefined {
    return this.#providerKey;
  }
  set providerKey(key: string | undefined) {
    this.#providerKey = key;
  }

  /** Bring-your-own-key: the caller's own provider key is sent upstream for this call. */
  useCallerKey(key: string): void {
    this.#callerKey = key;
    this.#providerKey = key;
    this.byok = true;
  }

  /**
   * Whether `key` is the provider key this caller presented. What is granted on the caller's own key (the
   * unscrubbed native stream, the account's rate-limit headers) asks this, not `byok` and `providerKey`,
   * which middleware may change: a middleware that swaps in a key of the operator's must not get them.
   */
  isCallerKey(key: string): boolean {
    return this.byok && key === this.#callerKey;
  }

  /**
   * An upstream fetch for your middleware (extra lookups, parallel probes) that respects the fan-out guard:
   * a slot is held until the response headers arrive.
   */
  async fetchUpstream(url: string, init: RequestInit = {}): Promise<Response> {
    const release = await this.outbound.acquire();
    try {
      return await this.options.fetch(url, init, this.provider.name);
    } finally {
      release();
    }
  }

  /** Keeps background work (metrics, cache writes) alive after the response, where the runtime allows. */
  waitUntil(promise: Promise<unknown>): void {
    const guarded = promise.catch(() => {});
    if (this.execution) this.execution.waitUntil(guarded);
    else this.#pending.push(guarded);
  }

  /** Settles once all background work is done: tests and runtimes without `waitUntil` can await it. */
  settled(): Promise<void> {
    return Promise.all(this.#pending).then(() => undefined);
  }
}
