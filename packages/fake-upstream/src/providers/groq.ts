// Groq (OpenAI-compatible), as served under `${url}/groq` → `POST /groq/openai/v1/chat/completions`.
// Sources:
//   https://console.groq.com/docs/openai         (OpenAI compatibility; base URL …/openai/v1)
//   https://console.groq.com/docs/errors         ({"error":{message,type,code}}, no `param`)
//   https://console.groq.com/docs/rate-limits    (x-ratelimit-*-requests (per day) / -tokens (per minute), retry-after)
//   Recorded real traffic: github.com/charmbracelet/fantasy providertests/testdata/
//   TestOpenAICompatibleCommon/groq-kimi-k2 (x_groq on first and last chunk, usage on the finishing
//   chunk, extra empty-choices chunk with include_usage, content-type without charset).
import { ids } from "../ids.js";
import { dump } from "../json.js";
import { chatCompletions, groqDialect } from "./openai-chat.js";
import type { OutHeaders, Provider, Reply, RequestContext, RetryHints } from "./types.js";
import { bearer, modelOf, retryHeaders } from "./types.js";

const LIMITS = { requests: 14_400, tokens: 6_000 };

function headers(ctx: RequestContext, contentType: string): OutHeaders {
  const u = ctx.usageFor(ctx.events);
  return {
    "content-type": contentType,
    "x-request-id": ids.groqRequest(ctx.seq),
    "x-ratelimit-limit-requests": String(LIMITS.requests),
    "x-ratelimit-limit-tokens": String(LIMITS.tokens),
    "x-ratelimit-remaining-requests": String(Math.max(0, LIMITS.requests - ctx.requestCount)),
    "x-ratelimit-remaining-tokens": String(Math.max(0, LIMITS.tokens - u.input - u.output)),
    "x-ratelimit-reset-requests": "6s",
    "x-ratelimit-reset-tokens": "1.2s",
  };
}

function errorReply(
  ctx: RequestContext,
  status: number,
  error: { message: string; type: string; code?: string },
  hints: RetryHints = {},
): Reply {
  return {
    kind: "json",
    status,
    headers: { ...headers(ctx, "application/json"), ...retryHeaders(hints) },
    body: `${dump({ error })}\n`,
  };
}

function statusError(ctx: RequestContext, status: number) {
  const model = modelOf(ctx) || "llama-3.3-70b-versatile";
  if (status === 401)
    return { message: "Invalid API Key", type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 404)
    return {
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
      type: "invalid_request_error",
      code: "model_not_found",
    };
  if (status === 429)
    return {
      message: `Rate limit reached for model \`${model}\` in organization \`org_01fakeupstream\` service tier \`on_demand\` on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in 2s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`,
      type: "requests",
      code: "rate_limit_exceeded",
    };
  if (status === 503) return { message: "Service Unavailable", type: "internal_server_error" };
  if (status >= 500) return { message: "Internal Server Error", type: "internal_server_error" };
  return { message: "Invalid request.", type: "invalid_request_error" };
}

const dialect = groqDialect(headers);

export const groq: Provider = {
  name: "groq",
  route(ctx) {
    if (`${ctx.method} ${ctx.subpath.replace(/\/+$/, "")}` !== "POST /openai/v1/chat/completions")
      return undefined;
    return (c) => {
      if (c.badJson || !c.json)
        return errorReply(c, 400, { message: "Invalid JSON body.", type: "invalid_request_error" });
      if (!modelOf(c))
        return errorReply(c, 400, {
          message: "'model' : property 'model' is missing",
          type: "invalid_request_error",
        });
      return chatCompletions(c, dialect);
    };
  },
  notFound: (ctx) =>
    errorReply(ctx, 404, {
      message: `Unknown request URL: ${ctx.method} ${ctx.subpath}. Please check the URL for typos, or see the docs at https://console.groq.com/docs/`,
      type: "invalid_request_error",
      code: "unknown_url",
    }),
  authenticate(ctx) {
    const key = bearer(ctx);
    return key && ctx.keys.includes(key) ? undefined : errorReply(ctx, 401, statusError(ctx, 401));
  },
  error: (ctx, status, hints) => errorReply(ctx, status, statusError(ctx, status), hints),
};
