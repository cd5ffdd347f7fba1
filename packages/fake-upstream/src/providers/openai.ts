// OpenAI, as served under `${url}/openai/v1`.
// Sources:
//   https://platform.openai.com/docs/api-reference/chat            (see openai-chat.ts)
//   https://platform.openai.com/docs/api-reference/responses       (see openai-responses.ts)
//   https://platform.openai.com/docs/api-reference/embeddings/object
//   https://platform.openai.com/docs/api-reference/models/list
//   https://platform.openai.com/docs/guides/error-codes            ({"error":{message,type,param,code}})
//   https://platform.openai.com/docs/guides/rate-limits            (x-ratelimit-* headers)
//   https://platform.openai.com/docs/api-reference/debugging-requests (x-request-id, openai-processing-ms)
//   The SDK (openai-node src/lib/embeddings.ts) asks for base64 embeddings unless told otherwise.
import { ids } from "../ids.js";
import { PRETTY, dump } from "../json.js";
import { chatCompletions, openaiDialect } from "./openai-chat.js";
import { responses } from "./openai-responses.js";
import type { OutHeaders, Provider, Reply, RequestContext, RetryHints } from "./types.js";
import { bearer, modelOf, retryHeaders } from "./types.js";
import { resourceRoute } from "./resources.js";

const LIMITS = { requests: 10_000, tokens: 30_000_000 };

function headers(ctx: RequestContext, contentType: string): OutHeaders {
  const u = ctx.usageFor(ctx.events);
  return {
    "content-type": contentType,
    "openai-organization": "sluice-fake-org",
    "openai-processing-ms": "42",
    "openai-project": "proj_FakeUpstream000000000000",
    "openai-version": "2020-10-01",
    "x-ratelimit-limit-requests": String(LIMITS.requests),
    "x-ratelimit-limit-tokens": String(LIMITS.tokens),
    "x-ratelimit-remaining-requests": String(Math.max(0, LIMITS.requests - ctx.requestCount)),
    "x-ratelimit-remaining-tokens": String(Math.max(0, LIMITS.tokens - u.input - u.output)),
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-reset-tokens": "0s",
    "x-request-id": ids.openaiRequest(ctx.seq),
  };
}

interface ErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

function errorFields(ctx: RequestContext, status: number): ErrorFields {
  const model = modelOf(ctx) || "gpt-4o";
  switch (status) {
    case 400:
      return { message: "Invalid request.", type: "invalid_request_error" };
    case 401:
      return { message: "Invalid authorization.", type: "invalid_request_error", code: "invalid_api_key" };
    case 403:
      return { message: "You are not allowed to sample from this model", type: "invalid_request_error" };
    case 404:
      return {
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
        type: "invalid_request_error",
        code: "model_not_found",
      };
    case 429:
      return {
        message: `Rate limit reached for ${model} in organization org-FakeUpstream on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type: "requests",
        code: "rate_limit_exceeded",
      };
    case 503:
      return { message: "The server is overloaded or not ready yet.", type: "server_error" };
    default:
      return status >= 500
        ? {
            message: "The server had an error while processing your request. Sorry about that!",
            type: "server_error",
          }
        : { message: "Invalid request.", type: "invalid_request_error" };
  }
}

function errorReply(ctx: RequestContext, status: number, fields: ErrorFields, hints: RetryHints = {}): Reply {
  const error = {
    message: fields.message,
    type: fields.type,
    param: fields.param ?? null,
    code: fields.code ?? null,
  };
  return {
    kind: "json",
    status,
    headers: { ...headers(ctx, "application/json; charset=utf-8"), ...retryHeaders(hints) },
    body: `${dump({ error }, PRETTY)}\n`,
  };
}

/** OpenAI shows the first 8 and last 4 characters of a rejected key. */
function maskKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}` : key;
}

function validate(ctx: RequestContext): Reply | undefined {
  if (ctx.badJson || !ctx.json) {
    return errorReply(ctx, 400, {
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      type: "invalid_request_error",
    });
  }
  if (!modelOf(ctx)) {
    return errorReply(ctx, 400, {
      message: "you must provide a model parameter",
      type: "invalid_request_error",
    });
  }
  return undefined;
}

const dialect = openaiDialect(headers);

/** Deterministic embedding component in [-0.1, 0.1], never tiny (keeps float printing plain). */
function component(seed: number, i: number): number {
  const v = Math.sin(seed * 7.3 + i * 0.37) * 0.09;
  return Math.fround(v >= 0 ? v + 0.001 : v - 0.001);
}

function embeddings(ctx: RequestContext): Reply {
  const j = ctx.json!;
  const input = j["input"];
  const count =
    Array.isArray(input) && (input.length === 0 || typeof input[0] !== "number") ? input.length : 1;
  const model = modelOf(ctx);
  const dims =
    typeof j["dimensions"] === "number" && j["dimensions"] > 0
      ? Math.min(j["dimensions"], 8192)
      : model.includes("large")
        ? 3072
        : 1536;
  const base64 = j["encoding_format"] === "base64";
  const data = Array.from({ length: count }, (_, index) => {
    const values = Array.from({ length: dims }, (_, i) => component(index + 1, i));
    const embedding = base64
      ? Buffer.from(new Float32Array(values).buffer).toString("base64")
      : values.map((v) => Number(v.toPrecision(9)));
    return { object: "embedding", index, embedding };
  });
  const u = ctx.usageFor(0);
  const body = `${dump(
    { object: "list", data, model, usage: { prompt_tokens: u.input, total_tokens: u.input } },
    PRETTY,
  )}\n`;
  return { kind: "json", status: 200, headers: headers(ctx, "application/json"), body };
}

const MODELS = [
  ["gpt-4o", 1715367049, "system"],
  ["gpt-4o-mini", 1721172741, "system"],
  ["gpt-4.1", 1744316542, "system"],
  ["text-embedding-3-small", 1705948997, "system"],
] as const;

function listModels(ctx: RequestContext): Reply {
  const data = MODELS.map(([id, created, owned_by]) => ({ id, object: "model", created, owned_by }));
  return {
    kind: "json",
    status: 200,
    headers: headers(ctx, "application/json"),
    body: `${dump({ object: "list", data }, PRETTY)}\n`,
  };
}

const withBody =
  (fn: (ctx: RequestContext) => Reply) =>
  (ctx: RequestContext): Reply =>
    validate(ctx) ?? fn(ctx);

export const openai: Provider = {
  name: "openai",
  route(ctx) {
    switch (`${ctx.method} ${ctx.subpath.replace(/\/+$/, "")}`) {
      case "POST /v1/chat/completions":
        return withBody((c) => chatCompletions(c, dialect));
      case "POST /v1/responses":
        return withBody((c) => responses(c, (ct) => headers(c, ct)));
      case "POST /v1/embeddings":
        return withBody(embeddings);
      case "GET /v1/models":
        return listModels;
      default:
        return resourceRoute(ctx);
    }
  },
  notFound: (ctx) =>
    errorReply(ctx, 404, {
      message: `Invalid URL (${ctx.method} ${ctx.subpath})`,
      type: "invalid_request_error",
    }),
  authenticate(ctx) {
    const key = bearer(ctx);
    if (!key) {
      return errorReply(ctx, 401, {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error",
      });
    }
    if (ctx.keys.includes(key)) return undefined;
    return errorReply(ctx, 401, {
      message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: "invalid_request_error",
      code: "invalid_api_key",
    });
  },
  error: (ctx, status, hints) => errorReply(ctx, status, errorFields(ctx, status), hints),
};
