// Cerebras (OpenAI-compatible), as served under `${url}/cerebras` → `POST /cerebras/v1/chat/completions`.
// Sources:
//   https://inference-docs.cerebras.ai/api-reference/chat-completions  (usage, time_info)
//   https://inference-docs.cerebras.ai/support/error                    (status codes)
//   https://inference-docs.cerebras.ai/support/rate-limits               (x-ratelimit-*-requests-day / -tokens-minute)
//   Errors are NOT wrapped in "error": a wrong key answers 401
//   {"message":"Wrong API Key","type":"invalid_request_error","param":"api_key","code":"wrong_api_key"}
//   and a missing one 403 {"detail":"Not authenticated"} (FastAPI) — as probed by several public
//   projects (e.g. code search for "wrong_api_key"); unknown routes answer {"detail":"Not Found"}.
import { ids } from "../ids.js";
import { dump } from "../json.js";
import { cerebrasDialect, chatCompletions } from "./openai-chat.js";
import type { OutHeaders, Provider, Reply, RequestContext, RetryHints } from "./types.js";
import { bearer, modelOf, retryHeaders } from "./types.js";

const LIMITS = { requestsDay: 14_400, tokensMinute: 60_000 };

function headers(ctx: RequestContext, contentType: string): OutHeaders {
  const u = ctx.usageFor(ctx.events);
  return {
    "content-type": contentType,
    "x-request-id": ids.uuid(`cerebras-req${ctx.seq}`),
    "x-ratelimit-limit-requests-day": String(LIMITS.requestsDay),
    "x-ratelimit-limit-tokens-minute": String(LIMITS.tokensMinute),
    "x-ratelimit-remaining-requests-day": String(Math.max(0, LIMITS.requestsDay - ctx.requestCount)),
    "x-ratelimit-remaining-tokens-minute": String(Math.max(0, LIMITS.tokensMinute - u.input - u.output)),
    "x-ratelimit-reset-requests-day": "33011.38",
    "x-ratelimit-reset-tokens-minute": "11.38",
  };
}

type Body = Record<string, unknown>;

function reply(ctx: RequestContext, status: number, body: Body, hints: RetryHints = {}): Reply {
  return {
    kind: "json",
    status,
    headers: { ...headers(ctx, "application/json"), ...retryHeaders(hints) },
    body: dump(body),
  };
}

function statusError(ctx: RequestContext, status: number): Body {
  const model = modelOf(ctx) || "llama3.1-8b";
  const e = (message: string, type: string, param: string | null, code: string | null) => ({
    message,
    type,
    param,
    code,
  });
  switch (status) {
    case 400:
      return e("Invalid request.", "invalid_request_error", "body", "wrong_api_format");
    case 401:
      return e("Wrong API Key", "invalid_request_error", "api_key", "wrong_api_key");
    case 403:
      return { detail: "Not authenticated" };
    case 404:
      return e(
        `Model ${model} does not exist or you do not have access to it.`,
        "not_found_error",
        "model",
        "model_not_found",
      );
    case 429:
      return e(
        "Requests per minute limit exceeded - too many requests sent.",
        "too_many_requests_error",
        "quota",
        "request_quota_exceeded",
      );
    case 503:
      return e(
        "We're experiencing high traffic right now! Please try again soon.",
        "too_many_requests_error",
        "queue",
        "queue_exceeded",
      );
    default:
      return status >= 500
        ? e("Internal server error.", "server_error", null, null)
        : e("Invalid request.", "invalid_request_error", null, null);
  }
}

const dialect = cerebrasDialect(headers);

export const cerebras: Provider = {
  name: "cerebras",
  route(ctx) {
    if (`${ctx.method} ${ctx.subpath.replace(/\/+$/, "")}` !== "POST /v1/chat/completions") return undefined;
    return (c) => {
      if (c.badJson || !c.json) return reply(c, 400, statusError(c, 400));
      if (!modelOf(c))
        return reply(c, 400, {
          message: "Field 'model' is required.",
          type: "invalid_request_error",
          param: "model",
          code: "missing_required_parameter",
        });
      return chatCompletions(c, dialect);
    };
  },
  notFound: (ctx) => reply(ctx, 404, { detail: "Not Found" }),
  authenticate(ctx) {
    const key = bearer(ctx);
    if (!key) return reply(ctx, 403, { detail: "Not authenticated" });
    return ctx.keys.includes(key) ? undefined : reply(ctx, 401, statusError(ctx, 401));
  },
  error: (ctx, status, hints) => reply(ctx, status, statusError(ctx, status), hints),
};
