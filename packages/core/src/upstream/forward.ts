/**
 * The last handler: sends the request upstream (the client's body bytes, unchanged), retries only while
 * nothing has reached the client, and hands the response back: JSON read whole, streams passed through.
 */
import type { GatewayContext } from "../context.js";
import { FAILURE_HEADER, type FailureName, GatewayError, failureForUpstreamStatus } from "../failures.js";
import { errorResponse } from "../respond.js";
import { tapBody } from "../stream/tap.js";
import { USAGE_READERS, emptyUsage } from "../stream/usage.js";
import { sleep } from "../util/time.js";
import { backoffMs, isRetryable, retryAfterMs } from "./backoff.js";
import { clientResponseHeaders, upstreamRequestHeaders } from "./headers.js";

/** JSON bodies larger than this are streamed through instead of read whole. */
const JSON_BUFFER_LIMIT = 16 * 1024 * 1024;

export async function forwardUpstream(ctx: GatewayContext): Promise<Response> {
  const { provider, options } = ctx;
  const key = ctx.providerKey;
  if (!key) {
    throw new GatewayError(
      "internal_error",
      `Sluice has no ${provider.name} key: set the ${provider.keySecrets[0]} secret.`,
    );
  }
  const base = options.providers[provider.name]?.baseUrl ?? provider.defaultBaseUrl;
  const target = new URL(base.replace(/\/$/, "") + ctx.upstreamPath + ctx.url.search);
  const headers = upstreamRequestHeaders(ctx.request.headers);
  provider.applyUpstreamAuth(headers, target, key);
  const url = target.toString();
  const { retry } = options;

  for (let attempt = 0; ; attempt++) {
    const attemptControl = new AbortController();
    const unlink = linkAbort(ctx.request.signal, attemptControl);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attemptControl.abort(new Error("upstream headers timeout"));
    }, options.headersTimeoutMs);
    let response: Response;
    try {
      response = await options.fetch(
        url,
        {
          method: ctx.request.method,
          headers,
          body: ctx.body as BodyInit | undefined,
          signal: attemptControl.signal,
          redirect: "manual",
        },
        provider.name,
      );
    } catch {
      clearTimeout(timer);
      unlink();
      if (ctx.request.signal.aborted) throw new GatewayError("client_abort", "The client went away.");
      const failure: FailureName = timedOut ? "upstream_timeout" : "upstream_unreachable";
      if (attempt < retry.maxRetries) {
        await sleep(backoffMs(attempt, retry, undefined), ctx.request.signal);
        ctx.retries++;
        continue;
      }
      ctx.failure = failure;
      const message = timedOut
        ? `${provider.name} sent no response headers within ${options.headersTimeoutMs} ms.`
        : `${provider.name} could not be reached.`;
      return errorResponse(
        provider,
        timedOut ? 504 : 502,
        failure,
        message,
        shouldNotRetry(retry.maxRetries),
      );
    }
    if (isRetryable(response.status) && attempt < retry.maxRetries) {
      const asked = retryAfterMs(response.headers);
      if (asked === undefined || asked <= retry.maxRetryAfterMs) {
        clearTimeout(timer);
        unlink();
        await response.body?.cancel().catch(() => {});
        await sleep(backoffMs(attempt, retry, asked), ctx.request.signal);
        ctx.retries++;
        continue;
      }
    }
    return respond(ctx, response, attemptControl, (keepLink = false) => {
      clearTimeout(timer);
      if (!keepLink) unlink();
    });
  }
}

function shouldNotRetry(maxRetries: number): Record<string, string> {
  // Sluice already retried: an SDK retrying on top would multiply the load on a struggling upstream.
  return maxRetries > 0 ? { "x-should-retry": "false" } : {};
}

type Release = (keepLink?: boolean) => void;

async function respond(ctx: GatewayContext, response: Response, control: AbortController, release: Release) {
  const { provider, options } = ctx;
  ctx.upstreamHeaders = response.headers;
  const failure = failureForUpstreamStatus(response.status);
  if (failure) ctx.failure = failure;
  if (failure === "upstream_auth" && !ctx.byok) {
    // The client's key was accepted; the provider refused the operator's. Its error may quote that key
    // (OpenAI echoes a masked copy), and a 401 would send the client after a key that is not theirs.
    release();
    await response.body?.cancel().catch(() => {});
    return errorResponse(
      provider,
      502,
      "upstream_auth",
      `${provider.name} refused the gateway's provider key (HTTP ${response.status}); the operator must check the ${provider.keySecrets[0]} secret.`,
      { "x-should-retry": "false" },
    );
  }
  const contentType = response.headers.get("content-type") ?? "";
  const sse = contentType.includes("text/event-stream");
  const isJson = contentType.includes("json");
  const headers = clientResponseHeaders(response.headers, sse);
  if (failure) headers.set(FAILURE_HEADER, failure);
  if (failure && isRetryable(response.status)) headers.set("x-should-retry", "false");

  if (ctx.endpoint.kind === "passthrough" || !response.body) {
    release();
    return new Response(response.body, { status: response.status, headers });
  }
  if (!sse && !isJson) {
    release();
    await response.body.cancel().catch(() => {});
    const status = response.status >= 400 ? response.status : 502;
    const name = failure ?? "bad_upstream_response";
    ctx.failure = name;
    const message = `${provider.name} answered ${response.status} with content-type "${contentType || "none"}", not JSON.`;
    return errorResponse(
      provider,
      status,
      name,
      message,
      status >= 500 ? shouldNotRetry(options.retry.maxRetries) : {},
    );
  }
  const readUsage = USAGE_READERS[provider.name];
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (!sse && !ctx.stream && declared <= JSON_BUFFER_LIMIT) {
    return bufferJson(ctx, response, headers, release);
  }
  // Stay linked to the client's signal for the stream's life, so a disconnect aborts the upstream too.
  release(true);
  const { stream, done } = tapBody(response.body, {
    sse,
    readUsage,
    collectLimit: JSON_BUFFER_LIMIT,
    idleTimeoutMs: options.streamIdleMs,
    errorEvent: (name, message) => provider.streamErrorEvent(name, message, ctx.endpoint.name),
    abortUpstream: () => control.abort(),
    startedAt: ctx.startedAt,
  });
  ctx.completion = done;
  return new Response(stream, { status: response.status, headers });
}

/** A non-streamed answer is read whole: usage is known at once, and a truncated body becomes a clean 502. */
async function bufferJson(ctx: GatewayContext, response: Response, headers: Headers, release: Release) {
  const { provider } = ctx;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch {
    release();
    if (ctx.request.signal.aborted) throw new GatewayError("client_abort", "The client went away.");
    ctx.failure = "stream_reset";
    return errorResponse(
      provider,
      502,
      "stream_reset",
      `${provider.name} closed the connection mid-response.`,
    );
  }
  release();
  const usage = emptyUsage();
  try {
    const inStream = USAGE_READERS[provider.name](JSON.parse(new TextDecoder().decode(bytes)), usage);
    // An error body on an error status is the upstream's answer, named (or not) by its status; only a
    // success status carrying an error is an in-stream failure. Keeps the metric and the header in step.
    if (inStream && !ctx.failure && response.ok) ctx.failure = inStream;
  } catch {
    ctx.failure = "bad_upstream_response";
    return errorResponse(
      provider,
      502,
      "bad_upstream_response",
      `${provider.name} sent a response that is not valid JSON.`,
    );
  }
  ctx.completion = Promise.resolve({
    usage,
    ttfbMs: Date.now() - ctx.startedAt,
    bytes: bytes.byteLength,
    body: bytes,
  });
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status: response.status, headers });
}

/** Aborts `target` when `source` aborts; returns the unlink. (AbortSignal.any is not on every edge runtime.) */
function linkAbort(source: AbortSignal, target: AbortController): () => void {
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener("abort", onAbort, { once: true });
  return () => source.removeEventListener("abort", onAbort);
}
