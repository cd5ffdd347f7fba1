// Anthropic Messages API, as served under `${url}/anthropic`.
// Sources:
//   https://docs.claude.com/en/api/overview                           (x-api-key / Authorization: Bearer, anthropic-version)
//   https://platform.claude.com/docs/en/build-with-claude/streaming  (event order, ping, `event: error`)
//   https://docs.claude.com/en/api/errors                             (error shape, request_id, 529)
//   https://docs.claude.com/en/api/rate-limits                        (anthropic-ratelimit-* headers)
//   https://docs.claude.com/en/api/messages-count-tokens              ({"input_tokens": N})
//   https://docs.claude.com/en/api/models-list                        (data / has_more / first_id / last_id)
//   Recorded real traffic: github.com/charmbracelet/fantasy providertests/testdata/TestAnthropicCommon
//   (compact JSON, `{"type": "ping"}` with spaces, blank-space padding before the final `}`).
//   Error-type table cross-checked with @anthropic-ai/sdk src/core/error.ts + resources/shared.ts.
import { replyText } from "../content.js";
import { dump } from "../json.js";
import { ids } from "../ids.js";
import type { OutHeaders, Provider, Reply, RequestContext, RetryHints, StreamSpec } from "./types.js";
import { bearer, header, modelOf, retryHeaders, streamRequested } from "./types.js";
import { resourceRoute } from "./resources.js";

const ERRORS: Record<number, [type: string, message: string]> = {
  400: ["invalid_request_error", "Invalid request."],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Your credit balance is too low to access the Anthropic API."],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "Not Found"],
  409: ["conflict_error", "Conflict"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: [
    "rate_limit_error",
    "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.",
  ],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timeout"],
  529: ["overloaded_error", "Overloaded"],
};

const MODELS = [
  ["claude-opus-5", "Claude Opus 5", "2026-09-17T00:00:00Z"],
  ["claude-sonnet-5", "Claude Sonnet 5", "2026-09-17T00:00:00Z"],
  ["claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15T00:00:00Z"],
] as const;

const LIMITS = { requests: 4000, input: 2_000_000, output: 400_000 };

function baseHeaders(ctx: RequestContext, contentType = "application/json"): OutHeaders {
  const u = ctx.usageFor(ctx.events);
  const reset = new Date((ctx.created + 1) * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const inputLeft = Math.max(0, LIMITS.input - u.input);
  const outputLeft = Math.max(0, LIMITS.output - u.output);
  return {
    "content-type": contentType,
    "request-id": ids.anthropicRequest(ctx.seq),
    "anthropic-organization-id": ids.anthropicOrg(),
    "anthropic-ratelimit-requests-limit": String(LIMITS.requests),
    "anthropic-ratelimit-requests-remaining": String(Math.max(0, LIMITS.requests - ctx.requestCount)),
    "anthropic-ratelimit-requests-reset": reset,
    "anthropic-ratelimit-input-tokens-limit": String(LIMITS.input),
    "anthropic-ratelimit-input-tokens-remaining": String(inputLeft),
    "anthropic-ratelimit-input-tokens-reset": reset,
    "anthropic-ratelimit-output-tokens-limit": String(LIMITS.output),
    "anthropic-ratelimit-output-tokens-remaining": String(outputLeft),
    "anthropic-ratelimit-output-tokens-reset": reset,
    "anthropic-ratelimit-tokens-limit": String(LIMITS.input + LIMITS.output),
    "anthropic-ratelimit-tokens-remaining": String(inputLeft + outputLeft),
    "anthropic-ratelimit-tokens-reset": reset,
  };
}

function errorReply(ctx: RequestContext, status: number, message?: string, hints: RetryHints = {}): Reply {
  const [type, defaultMessage] = ERRORS[status] ?? (status >= 500 ? ERRORS[500]! : ERRORS[400]!);
  const body = dump({
    type: "error",
    error: { type, message: message ?? defaultMessage },
    request_id: ids.anthropicRequest(ctx.seq),
  });
  return { kind: "json", status, headers: { ...baseHeaders(ctx), ...retryHeaders(hints) }, body };
}

/** The real API pads SSE JSON with spaces before the closing brace (see the recording above). */
function padded(json: string, salt: number): string {
  const spaces = (salt * 7 + 3) % 16;
  return `${json.slice(0, -1)}${" ".repeat(spaces)}}`;
}

const frame = (event: string, data: string): string => `event: ${event}\ndata: ${data}\n\n`;

function usageObject(ctx: RequestContext, count: number, outputOverride?: number) {
  const u = ctx.usageFor(count);
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputOverride ?? u.output,
    service_tier: "standard",
    inference_geo: "not_available",
  };
}

function validate(ctx: RequestContext): Reply | undefined {
  if (ctx.badJson || !ctx.json)
    return errorReply(
      ctx,
      400,
      "There was an error parsing the body of your request. Please make sure it is valid JSON.",
    );
  if (!modelOf(ctx)) return errorReply(ctx, 400, "model: Field required");
  return undefined;
}

function messages(ctx: RequestContext): Reply {
  const invalid = validate(ctx);
  if (invalid) return invalid;
  const model = modelOf(ctx);
  const id = ids.anthropicMessage(ctx.seq);
  if (!streamRequested(ctx)) {
    const text = replyText(ctx.events);
    const body = dump({
      model,
      id,
      type: "message",
      role: "assistant",
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      stop_details: null,
      usage: usageObject(ctx, ctx.events),
    });
    return { kind: "json", status: 200, headers: baseHeaders(ctx), body };
  }
  let salt = ctx.seq;
  const ev = (event: string, data: unknown) => frame(event, padded(dump(data), salt++));
  const stream: StreamSpec = {
    *preamble() {
      yield ev("message_start", {
        type: "message_start",
        message: {
          model,
          id,
          type: "message",
          role: "assistant",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          stop_details: null,
          usage: usageObject(ctx, ctx.events, Math.min(1, ctx.usageFor(ctx.events).output)),
        },
      });
      yield ev("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      });
      yield frame("ping", '{"type": "ping"}');
    },
    delta: (text) =>
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text },
      }),
    *epilogue(count) {
      const u = ctx.usageFor(count);
      yield ev("content_block_stop", { type: "content_block_stop", index: 0 });
      yield ev("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null, stop_details: null },
        usage: {
          input_tokens: u.input,
          cache_creation_input_tokens: u.cacheWrite,
          cache_read_input_tokens: u.cacheRead,
          output_tokens: u.output,
        },
      });
      yield ev("message_stop", { type: "message_stop" });
    },
    // Exactly the docs' example; the spaced layout matches how the API prints `ping`.
    error: () =>
      frame("error", '{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}'),
  };
  return {
    kind: "stream",
    status: 200,
    headers: { ...baseHeaders(ctx, "text/event-stream; charset=utf-8"), "cache-control": "no-cache" },
    stream,
  };
}

function countTokens(ctx: RequestContext): Reply {
  const invalid = validate(ctx);
  if (invalid) return invalid;
  return {
    kind: "json",
    status: 200,
    headers: baseHeaders(ctx),
    body: dump({ input_tokens: ctx.usageFor(0).input }),
  };
}

function listModels(ctx: RequestContext): Reply {
  const data = MODELS.map(([id, display_name, created_at]) => ({
    type: "model",
    id,
    display_name,
    created_at,
  }));
  const body = dump({ data, has_more: false, first_id: data[0]!.id, last_id: data[data.length - 1]!.id });
  return { kind: "json", status: 200, headers: baseHeaders(ctx), body };
}

export const anthropic: Provider = {
  name: "anthropic",
  route(ctx) {
    const key = `${ctx.method} ${ctx.subpath.replace(/\/+$/, "")}`;
    if (key === "POST /v1/messages") return messages;
    if (key === "POST /v1/messages/count_tokens") return countTokens;
    if (key === "GET /v1/models") return listModels;
    return resourceRoute(ctx);
  },
  notFound: (ctx) => errorReply(ctx, 404),
  // The API takes the key as `x-api-key` or, as @anthropic-ai/sdk >= 1.x sends it, `Authorization: Bearer`.
  authenticate(ctx) {
    const given = [header(ctx, "x-api-key"), bearer(ctx)].filter((k): k is string => !!k);
    if (given.length === 0) return errorReply(ctx, 401, "x-api-key header is required");
    return given.some((k) => ctx.keys.includes(k)) ? undefined : errorReply(ctx, 401, "invalid x-api-key");
  },
  error: (ctx, status, hints) => errorReply(ctx, status, undefined, hints),
};
