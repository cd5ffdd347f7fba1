/**
 * Request log: one NDJSON line of metadata per call, batched per isolate and written to the object store
 * (R2) off the hot path. Never a key; request bodies only when the operator opts in, auth headers stripped.
 */
import {
  type FailureName,
  type GatewayContext,
  GatewayError,
  type Middleware,
  type ObjectStore,
} from "@sluice/core";

export interface RequestLogOptions {
  /** Also log each request's headers (minus credentials) and JSON body, as the client sent them. Default false. */
  bodies?: boolean;
  /** Key prefix of the batch objects. Default "sluice-logs/". */
  prefix?: string;
  /** A batch is written once it holds this many lines. Default 100. */
  maxEntries?: number;
  /** …or this long after its first line, whichever comes first. Default 5 000 ms (keep it well under 30 s). */
  maxAgeMs?: number;
}

/** Headers never logged, even with `bodies: true`: they carry keys (the client's, or a BYOK provider key). */
export const STRIPPED_HEADERS = [
  "authorization",
  "x-api-key",
  "x-goog-api-key",
  "proxy-authorization",
  "cookie",
];

export interface LogLine {
  ts: string;
  keyId: string;
  provider: string;
  route: string;
  model: string;
  stream: boolean;
  status: number;
  failure: string;
  cache: string;
  retries: number;
  latencyMs: number;
  ttfbMs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  session?: string;
  request?: { path: string; headers: Record<string, string>; body?: unknown };
}

/**
 * @example
 * createWorker({ requestLog: { bodies: false, maxEntries: 200 } });
 * // by hand: middleware: [requestLog(r2Objects(env.LOGS))]
 */
export function requestLog(store: ObjectStore, options: RequestLogOptions = {}): Middleware {
  const batcher = new Batcher(store, options);
  return async function logRequest(ctx, next) {
    // The bytes as the client sent them, before any later middleware rewrites ctx.body.
    const sent = options.bodies ? ctx.body : undefined;
    let status = 500;
    let thrown: FailureName | undefined;
    try {
      const response = await next();
      status = response.status;
      return response;
    } catch (error) {
      // Thrown by a later middleware (hydration, sessions): core's recover answers with this status.
      status = error instanceof GatewayError ? error.status : 500;
      thrown = error instanceof GatewayError ? error.failure : "internal_error";
      throw error;
    } finally {
      ctx.waitUntil(
        ctx.completion.then((result) =>
          batcher.add(line(ctx, status, { ...result, failure: result.failure ?? thrown }, sent, options)),
        ),
      );
    }
  };
}

function line(
  ctx: GatewayContext,
  status: number,
  result: Awaited<GatewayContext["completion"]>,
  sent: Uint8Array | undefined,
  options: RequestLogOptions,
): LogLine {
  const entry: LogLine = {
    ts: new Date(ctx.startedAt).toISOString(),
    keyId: ctx.client?.id ?? "",
    provider: ctx.provider.name,
    route: ctx.route,
    model: ctx.model,
    stream: ctx.stream,
    status,
    failure: result.failure ?? ctx.failure ?? "",
    cache: ctx.cache,
    retries: ctx.retries,
    latencyMs: Date.now() - ctx.startedAt,
    ttfbMs: result.ttfbMs,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    cacheReadTokens: result.usage.cacheReadTokens,
    cacheWriteTokens: result.usage.cacheWriteTokens,
  };
  const session = ctx.request.headers.get("x-sluice-session");
  if (session) entry.session = session;
  if (options.bodies) {
    const headers: Record<string, string> = {};
    ctx.request.headers.forEach((value, name) => {
      if (!STRIPPED_HEADERS.includes(name)) headers[name] = value;
    });
    // The path only: Gemini clients may put their key in the query string (`?key=`).
    entry.request = { path: ctx.url.pathname, headers };
    if (sent) {
      const text = new TextDecoder().decode(sent);
      try {
        entry.request.body = JSON.parse(text);
      } catch {
        entry.request.body = text;
      }
    }
  }
  return entry;
}

/**
 * Lines wait in this isolate's memory until the batch is full or old enough. The call that opens a batch
 * holds a `waitUntil` for `maxAgeMs` and then writes whatever the batch holds; a call that fills it writes at
 * once. What is lost: lines still in memory when the isolate is evicted or the runtime ends that
 * `waitUntil` early (Workers allow about 30 s after the response), and a batch whose write fails.
 */
class Batcher {
  readonly #lines: string[] = [];
  readonly #isolate = crypto.randomUUID().slice(0, 8);
  #seq = 0;
  readonly #prefix: string;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;

  constructor(
    private readonly store: ObjectStore,
    options: RequestLogOptions,
  ) {
    this.#prefix = options.prefix ?? "sluice-logs/";
    this.#maxEntries = Math.max(1, options.maxEntries ?? 100);
    this.#maxAgeMs = Math.max(0, options.maxAgeMs ?? 5_000);
  }

  add(entry: LogLine): Promise<void> | undefined {
    this.#lines.push(JSON.stringify(entry));
    if (this.#lines.length >= this.#maxEntries) return this.flush();
    // Returned into the caller's waitUntil chain, which keeps this invocation alive until the write.
    if (this.#lines.length === 1)
      return new Promise((resolve) => setTimeout(resolve, this.#maxAgeMs)).then(() => this.flush());
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const lines = this.#lines.splice(0);
    const now = new Date();
    const day = now.toISOString().slice(0, 13).replace(/[-T]/g, "/");
    const key = `${this.#prefix}${day}/${now.toISOString()}-${this.#isolate}-${this.#seq++}.ndjson`;
    try {
      await this.store.put(key, `${lines.join("\n")}\n`, { contentType: "application/x-ndjson" });
    } catch {
      console.error(`[sluice] request log: a batch of ${lines.length} lines could not be written`);
    }
  }
}
