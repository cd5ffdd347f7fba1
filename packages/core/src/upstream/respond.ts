/**
 * Turns an upstream response into the client's: JSON read whole (usage known at once, a truncated body a
 * clean 502), streams passed through the usage tap, and fallback answers translated to the client's shape.
 */
import type { GatewayContext } from "../context.js";
import { FAILURE_HEADER, type FailureName, GatewayError, failureForUpstreamStatus } from "../failures.js";
import { errorResponse } from "../respond.js";
import { asStream, type ChunkReader, type TapResult, tapBody } from "../stream/tap.js";
import { USAGE_READERS, type Usage, emptyUsage } from "../stream/usage.js";
import { nativeSource, observeBody } from "../stream/observe.js";
import { isRetryable } from "./backoff.js";
import { redactor, type Redactor } from "../stream/redact.js";
import { clientResponseHeaders } from "./headers.js";
import { operatorKeys } from "./operator-keys.js";
import type { StreamResumer } from "./resume.js";
import type { Target } from "./targets.js";

/** JSON bodies larger than this are streamed through instead of read whole. */
const JSON_BUFFER_LIMIT = 16 * 1024 * 1024;

export type Release = (keepLink?: boolean) => void;

export function shouldNotRetry(maxRetries: number): Record<string, string> {
  // Sluice already retried: an SDK retrying on top would multiply the load on a struggling upstream.
  return maxRetries > 0 ? { "x-should-retry": "false" } : {};
}

/** What came back from one upstream request, ready to be passed on. */
export interface Received {
  target: Target;
  /** The key the upstream request carried. */
  key: string;
  response: Response;
  /** The body to read: the response's own, or what is left after the held-back preamble. */
  body: ReadableStream<Uint8Array> | ChunkReader | null;
  control: AbortController;
  release: Release;
  resumer?: StreamResumer;
}

/** The client's answer, and what the call learns once its body has ended. */
export interface Answer {
  response: Response;
  /** Resolves when the body has ended, with the usage read from it (nothing, for an error Sluice wrote). */
  completion: Promise<TapResult>;
  /** The failure known when the answer is handed on: the upstream's status, or a body that would not do. */
  failure?: FailureName;
}

/** An answer whose body Sluice does not read (its own error, a pass-through): no usage to wait for. */
function unread(response: Response, failure: FailureName | undefined): Answer {
  return { response, failure, completion: Promise.resolve({ usage: emptyUsage(), ttfbMs: -1, bytes: 0 }) };
}

/** An answer read whole: its completion is known at once. */
function readWhole(ctx: GatewayContext, status: number, headers: Headers, bytes: Uint8Array, usage: Usage) {
  const completion = Promise.resolve({
    usage,
    ttfbMs: Date.now() - ctx.startedAt,
    bytes: bytes.byteLength,
    body: bytes,
  });
  return { response: new Response(bytes as Uint8Array<ArrayBuffer>, { status, headers }), completion };
}

export async function respond(ctx: GatewayContext, received: Received): Promise<Answer> {
  const { target, key, response, body, control, release, resumer } = received;
  const { options } = ctx;
  const provider = ctx.provider; // errors always speak the client's provider's shape
  const failure = failureForUpstreamStatus(response.status);
  if (failure === "upstream_auth" && !ctx.byok) {
    // The client's key was accepted; the provider refused the operator's. Its error may quote that key
    // (OpenAI echoes a masked copy), and a 401 would send the client after a key that is not theirs.
    release();
    await body?.cancel().catch(() => {});
    return unread(
      errorResponse(
        provider,
        502,
        "upstream_auth",
        `${target.provider.name} refused the gateway's provider key (HTTP ${response.status}); the operator must check the ${target.provider.keySecrets[0]} secret.`,
        { "x-should-retry": "false" },
      ),
      failure,
    );
  }
  if (response.status >= 300 && response.status < 400 && response.status !== 304) {
    // A redirect's Location may carry the key (a signed URL, an echo): refused, never followed or passed on.
    release();
    await body?.cancel().catch(() => {});
    return unread(
      errorResponse(
        provider,
        502,
        "bad_upstream_response",
        `${target.provider.name} answered with a redirect (HTTP ${response.status}); Sluice does not pass redirects on.`,
      ),
      "bad_upstream_response",
    );
  }
  const contentType = response.headers.get("content-type") ?? "";
  const sse = contentType.includes("text/event-stream");
  const isJson = contentType.includes("json");
  // Success answers are checked against the keys this target was sent (cheap, synchronous); error and
  // pass-through answers against every key the call could have used.
  const wide = !response.ok || ctx.endpoint.kind === "passthrough";
  const scrub = redactor(wide ? await operatorKeys(ctx, target) : [ctx.providerKey, ...target.keys]);
  // The provider's rate-limit headers describe the account whose key was sent: the caller's own with BYOK
  // (unless a fallback answered with a key of the operator's), otherwise the operator's, shared by every
  // client key (docs/security.md, boundary 2).
  const ownKey = ctx.isCallerKey(key);
  const account = options.providerRateLimitHeaders || ownKey;
  const headers = clientResponseHeaders(response.headers, sse, target.provider, scrub.holds, account);
  if (failure) headers.set(FAILURE_HEADER, failure);
  if (failure && isRetryable(response.status)) headers.set("x-should-retry", "false");
  if (target.fallback) headers.set("x-sluice-fallback", `${target.provider.name}/${target.model}`);

  if (ctx.endpoint.kind === "passthrough" || !body) {
    release();
    if (!body) return unread(new Response(null, { status: response.status, headers }), failure);
    if (!response.ok) return errorAnswer(ctx, target, body, headers, response.status, scrub, failure);
    const scrubbed = asStream(body).pipeThrough(scrub.stream());
    return unread(new Response(scrubbed, { status: response.status, headers }), failure);
  }
  if ((!sse && !isJson) || (target.translation && !response.ok)) {
    release();
    await body.cancel().catch(() => {});
    const status = response.status >= 400 ? response.status : 502;
    const name = failure ?? "bad_upstream_response";
    const message =
      !sse && !isJson
        ? `${target.provider.name} answered ${response.status} with content-type "${contentType || "none"}", not JSON.`
        : `The fallback ${target.provider.name}/${target.model} answered HTTP ${response.status}.`;
    return unread(
      errorResponse(
        provider,
        status,
        name,
        message,
        status >= 500 ? shouldNotRetry(options.retry.maxRetries) : {},
      ),
      name,
    );
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  // An error answer is read whole (bounded) even on a streamed call: it is one error, named by its status,
  // and scrubbed of every provider key before the client sees it.
  if (!response.ok) {
    release();
    return errorAnswer(ctx, target, body, headers, response.status, scrub, failure);
  }
  if (!sse && !ctx.stream && declared <= JSON_BUFFER_LIMIT) {
    return bufferJson(ctx, target, response, body, headers, release, scrub, failure);
  }
  // Stay linked to the client's signal for the stream's life, so a disconnect aborts the upstream too.
  release(true);
  let source = body;
  if (target.translation && sse) {
    source = asStream(body).pipeThrough(target.translation.stream());
    headers.delete("request-id");
  }
  // The native path (see nativeStreams): SSE passed on by the runtime, usage read on the side. It scrubs
  // nothing, so "byok" takes it only for a stream on the caller's own key: no key of the operator's was sent.
  const nativeWanted = options.nativeStreams === true || (options.nativeStreams === "byok" && ownKey);
  const native = nativeWanted && sse && !target.translation && !resumer ? nativeSource(body) : undefined;
  const { stream, done } = native
    ? observeBody(native.rest, {
        head: native.head,
        passThrough: options.passThrough!,
        readUsage: USAGE_READERS[provider.name],
        idleTimeoutMs: options.streamIdleMs,
        errorEvent: (name, message) => provider.streamErrorEvent(name, message, ctx.endpoint.name),
        abortUpstream: () => control.abort(),
        startedAt: ctx.startedAt,
      })
    : tapBody(source, {
        sse,
        readUsage: USAGE_READERS[provider.name],
        collectLimit: JSON_BUFFER_LIMIT,
        idleTimeoutMs: options.streamIdleMs,
        errorEvent: (name, message) => provider.streamErrorEvent(name, message, ctx.endpoint.name),
        jsonArrayErrorTail: provider.jsonArrayErrorTail,
        abortUpstream: () => control.abort(),
        startedAt: ctx.startedAt,
        resumer: sse && !target.translation ? resumer : undefined,
        scrubAfterError: scrub.bytes,
        passThrough: options.passThrough,
        clientGone: () => ctx.request.signal?.aborted === true,
      });
  return { response: new Response(stream, { status: response.status, headers }), completion: done, failure };
}

async function bufferJson(
  ctx: GatewayContext,
  target: Target,
  response: Response,
  body: ReadableStream<Uint8Array> | ChunkReader,
  headers: Headers,
  release: Release,
  scrub: Redactor,
  failure: FailureName | undefined,
): Promise<Answer> {
  const { provider } = ctx;
  let bytes: Uint8Array;
  try {
    const whole =
      body === response.body ? response.arrayBuffer() : new Response(asStream(body)).arrayBuffer();
    bytes = new Uint8Array(await whole);
  } catch {
    release();
    if (ctx.request.signal?.aborted) throw new GatewayError("client_abort", "The client went away.");
    return unread(
      errorResponse(
        provider,
        502,
        "stream_reset",
        `${target.provider.name} closed the connection mid-response.`,
      ),
      "stream_reset",
    );
  }
  release();
  const usage = emptyUsage();
  try {
    let text = new TextDecoder().decode(bytes);
    if (scrub.holds(text)) {
      text = scrub.text(text);
      bytes = new TextEncoder().encode(text);
    }
    let answer = JSON.parse(text);
    if (target.translation) {
      answer = target.translation.json(answer);
      bytes = new TextEncoder().encode(JSON.stringify(answer));
    }
    const inStream = USAGE_READERS[provider.name](answer, usage);
    // An error body on an error status is the upstream's answer, named (or not) by its status; only a
    // success status carrying an error is an in-stream failure. Keeps the metric and the header in step.
    if (inStream && !failure && response.ok) failure = inStream;
  } catch {
    return unread(
      errorResponse(
        provider,
        502,
        "bad_upstream_response",
        `${target.provider.name} sent a response that is not valid JSON.`,
      ),
      "bad_upstream_response",
    );
  }
  return { ...readWhole(ctx, response.status, headers, bytes, usage), failure };
}

/**
 * A non-2xx answer: read whole up to the JSON limit, every provider key replaced, passed on with its status.
 * Larger than the limit, it is replaced by Sluice's own error (it cannot be checked, so it is not sent).
 */
async function errorAnswer(
  ctx: GatewayContext,
  target: Target,
  body: ReadableStream<Uint8Array> | ChunkReader,
  headers: Headers,
  status: number,
  scrub: Redactor,
  failure: FailureName | undefined,
): Promise<Answer> {
  const whole = await readBounded(body, JSON_BUFFER_LIMIT).catch(() => undefined);
  if (!whole) {
    if (ctx.request.signal?.aborted) throw new GatewayError("client_abort", "The client went away.");
    const name = failure ?? "bad_upstream_response";
    return unread(
      errorResponse(
        ctx.provider,
        status >= 400 ? status : 502,
        name,
        `${target.provider.name} answered HTTP ${status} with an error body Sluice could not read whole.`,
      ),
      name,
    );
  }
  if (headers.get("content-type")?.includes("text/event-stream")) headers.delete("cache-control");
  return { ...readWhole(ctx, status, headers, scrub.bytes(whole), emptyUsage()), failure };
}
/** The whole body, or undefined when it is longer than `limit` (the rest is cancelled). */
async function readBounded(
  body: ReadableStream<Uint8Array> | ChunkReader,
  limit: number,
): Promise<Uint8Array | undefined> {
  const reader: ChunkReader = "getReader" in body ? body.getReader() : body;
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
