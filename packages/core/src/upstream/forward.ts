/**
 * The last handler: sends the request to its targets in order (the client's body bytes, unchanged, to the
 * primary), retrying and falling back only while nothing has reached the client, then hands the answer on.
 * Along the way: the circuit breaker, key rotation on a 401, the fan-out guard, and the held-back preamble.
 */
import type { GatewayContext } from "../context.js";
import { type FailureName, GatewayError, failureForUpstreamStatus } from "../failures.js";
import { errorResponse } from "../respond.js";
import { sleep } from "../util/time.js";
import { backoffMs, isRetryable, retryAfterMs } from "./backoff.js";
import { upstreamRequestHeaders } from "./headers.js";
import { asStream, type ChunkReader } from "../stream/tap.js";
import { holdPreamble } from "./preamble.js";
import { respond, shouldNotRetry } from "./respond.js";
import { anthropicResumer, type StreamResumer } from "./resume.js";
import { planTargets, type Target } from "./targets.js";

type Sent = {
  ok: true;
  /** The key this request carried (the primary, a secondary after rotation, a fallback's). */
  key: string;
  response: Response;
  body: ReadableStream<Uint8Array> | ChunkReader | null;
  control: AbortController;
  release: (keep?: boolean) => void;
};
type Failed = { ok: false; failure: FailureName; status: number; message: string; retryAfterMs?: number };
/** `rotated`: the primary key was refused and the secondary tried (key rotation). */
type Outcome = (Sent | Failed) & { rotated?: boolean };

export async function forwardUpstream(ctx: GatewayContext): Promise<Response> {
  if (!ctx.providerKey) {
    throw new GatewayError(
      "internal_error",
      `Sluice has no ${ctx.provider.name} key: set the ${ctx.provider.keySecrets[0]} secret.`,
    );
  }
  const { retry, breaker } = ctx.options;
  const targets = await planTargets(ctx);
  const attempts = Math.max(retry.maxRetries + 1, targets.length);
  let last: Failed | undefined;
  let sameTargetRetries = 0;
  let rotated = false;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const target = targets[Math.min(attempt, targets.length - 1)]!;
    const next = attempt + 1 < attempts ? targets[Math.min(attempt + 1, targets.length - 1)] : undefined;
    if (attempt > 0) {
      ctx.retries++;
      if (targets[Math.min(attempt - 1, targets.length - 1)] === target) {
        await sleep(backoffMs(sameTargetRetries++, retry, last?.retryAfterMs), ctx.request.signal);
      }
    }
    if (breaker) {
      const openMs = await breaker.openFor(target.id).catch(() => 0);
      if (openMs > 0) {
        last = {
          ok: false,
          failure: "circuit_open",
          status: 503,
          message: `${target.id} is shedding load after repeated overloads; retry later.`,
          retryAfterMs: openMs,
        };
        continue;
      }
    }
    const outcome = await sendWithKeys(ctx, target);
    if (outcome.rotated) rotated = true;
    if (!outcome.ok) {
      last = outcome;
      void breaker?.failure(target.id).catch(() => {});
      continue;
    }
    const { response } = outcome;
    if (isRetryable(response.status)) {
      void breaker?.failure(target.id).catch(() => {});
      const asked = retryAfterMs(response.headers);
      // Worth another go: a different target next, or the same one when its retry-after is short enough.
      if (next && (next !== target || asked === undefined || asked <= retry.maxRetryAfterMs)) {
        outcome.release();
        await outcome.body?.cancel().catch(() => {});
        last = {
          ok: false,
          failure: failureForUpstreamStatus(response.status) ?? "upstream_error",
          status: response.status,
          message: "",
          retryAfterMs: asked,
        };
        continue;
      }
    } else if (
      target.provider.name === "anthropic" &&
      response.ok &&
      outcome.body &&
      ctx.stream &&
      ctx.options.holdPreambleMs > 0
    ) {
      // Overload before the first token: an error event ahead of any content is as good as a 529.
      // The headers have arrived: their deadline must not fire while the preamble is held.
      outcome.release(true);
      const held = await holdPreamble(asStream(outcome.body), ctx.options.holdPreambleMs);
      if (held.overloaded && next) {
        outcome.release();
        await held.cancel();
        void breaker?.failure(target.id).catch(() => {});
        last = {
          ok: false,
          failure: "in_stream_overload",
          status: 529,
          message: "The upstream was overloaded before the first token.",
        };
        continue;
      }
      outcome.body = held.reader;
    }
    if (breaker && response.ok) void breaker.success(target.id).catch(() => {});
    ctx.answered = { provider: target.provider.name, model: target.model };
    ctx.upstreamHeaders = response.headers;
    const { body, control, release, key } = outcome;
    const answer = await respond(ctx, {
      target,
      key,
      response,
      body,
      control,
      release,
      resumer: resumerFor(ctx, target),
    });
    // The one place a call's completion is set: what respond() read, or will read, from the body.
    ctx.completion = answer.completion;
    if (answer.failure) ctx.failure = answer.failure;
    if (rotated) answer.response.headers.set("x-sluice-key-rotated", "secondary");
    return answer.response;
  }
  return giveUp(ctx, last!);
}

/** Stream resumption, when enabled: a continuation request to the same target with the text so far prefilled. */
function resumerFor(ctx: GatewayContext, target: Target): StreamResumer | undefined {
  const json = ctx.json as Record<string, unknown> | undefined;
  if (
    !ctx.options.maxResumes ||
    !ctx.stream ||
    !json ||
    target.translation ||
    ctx.route !== "anthropic.messages"
  )
    return undefined;
  return anthropicResumer(
    { ...json, model: target.model },
    async (body) => {
      const sent = await sendWithKeys(ctx, { ...target, body });
      if (!sent.ok) return undefined;
      const sse = (sent.response.headers.get("content-type") ?? "").includes("text/event-stream");
      if (!sent.response.ok || !sse || !sent.body) {
        sent.release();
        await sent.body?.cancel().catch(() => {});
        return undefined;
      }
      sent.release(true);
      ctx.retries++;
      return asStream(sent.body);
    },
    ctx.options.maxResumes,
  );
}

/** One target, its keys in order: a 401/403 for the primary key moves to the secondary (key rotation). */
async function sendWithKeys(ctx: GatewayContext, target: Target): Promise<Outcome> {
  for (let k = 0; ; k++) {
    const outcome: Outcome = await send(ctx, target, target.keys[k]!);
    const refused = outcome.ok && (outcome.response.status === 401 || outcome.response.status === 403);
    if (!refused || ctx.byok || k + 1 >= target.keys.length)
      return k > 0 ? { ...outcome, rotated: true } : outcome;
    outcome.release();
    await outcome.body?.cancel().catch(() => {});
  }
}

/** Sends one request, holding a fan-out slot until the headers arrive and a deadline for them. */
async function send(ctx: GatewayContext, target: Target, key: string): Promise<Outcome> {
  const { options } = ctx;
  const url = new URL(target.url);
  const headers = upstreamRequestHeaders(ctx.request.headers, target.provider);
  target.provider.applyUpstreamAuth(headers, url, key);
  if (target.translation) {
    headers.delete("anthropic-beta");
    headers.set("content-type", "application/json");
    if (target.provider.name === "anthropic") headers.set("anthropic-version", "2023-06-01");
    else headers.delete("anthropic-version");
  }
  const control = new AbortController();
  const clientSignal = ctx.request.signal as AbortSignal | undefined;
  const unlink = clientSignal ? linkAbort(clientSignal, control) : () => {};
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    control.abort(new Error("upstream headers timeout"));
  }, options.headersTimeoutMs);
  const slot = await ctx.outbound.acquire();
  try {
    const init: RequestInit = {
      method: ctx.request.method,
      headers,
      body: target.body as BodyInit | undefined,
      signal: control.signal,
      redirect: "manual",
    };
    const response = await options.fetch(url.toString(), init, target.provider.name);
    slot();
    return {
      ok: true,
      key,
      response,
      body: response.body,
      control,
      release: (keepLink = false) => {
        clearTimeout(timer);
        if (!keepLink) unlink();
      },
    };
  } catch {
    slot();
    clearTimeout(timer);
    unlink();
    if (clientSignal?.aborted) throw new GatewayError("client_abort", "The client went away.");
    return timedOut
      ? {
          ok: false,
          failure: "upstream_timeout",
          status: 504,
          message: `${target.provider.name} sent no response headers within ${options.headersTimeoutMs} ms.`,
        }
      : {
          ok: false,
          failure: "upstream_unreachable",
          status: 502,
          message: `${target.provider.name} could not be reached.`,
        };
  }
}

/** Every attempt failed before an answer could be passed on: Sluice's own error in the client's shape. */
function giveUp(ctx: GatewayContext, last: Failed): Response {
  const { provider, options } = ctx;
  ctx.failure = last.failure;
  const noRetry = shouldNotRetry(options.retry.maxRetries);
  const wait: Record<string, string> =
    last.retryAfterMs !== undefined
      ? { "retry-after": String(Math.max(1, Math.ceil(last.retryAfterMs / 1000))) }
      : {};
  if (last.failure === "in_stream_overload" || last.failure === "overloaded") {
    return errorResponse(provider, 529, "overloaded", last.message || "The upstream stayed overloaded.", {
      ...noRetry,
      ...wait,
    });
  }
  if (last.failure === "circuit_open")
    return errorResponse(provider, 503, "circuit_open", last.message, wait);
  const message = last.message || `The upstream answered HTTP ${last.status}.`;
  return errorResponse(provider, last.status, last.failure, message, { ...noRetry, ...wait });
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
