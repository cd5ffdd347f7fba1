// Google Gemini API (Generative Language), as served under `${url}/gemini`.
// Sources:
//   https://ai.google.dev/api/generate-content      (GenerateContentResponse, usageMetadata, streamGenerateContent)
//   https://ai.google.dev/api/tokens                (countTokens → totalTokens, promptTokensDetails)
//   https://ai.google.dev/api/models                (models.list)
//   https://ai.google.dev/gemini-api/docs/troubleshooting (error codes / statuses)
//   https://ai.google.dev/api/caching               (cachedContentTokenCount)
//   Recorded real traffic: github.com/google/adk-go model/gemini/testdata/*.httprr and
//   github.com/charmbracelet/fantasy providertests/testdata/TestGoogleCommon — `alt=sse` frames are
//   `data: {"a": 1,"b": 2}\r\n\r\n` (space after colons only, CRLF CRLF), plain bodies are 2-space
//   pretty JSON + "\n", content types `application/json; charset=UTF-8` / `text/event-stream`.
//   Without alt=sse the stream is one JSON array: "[" + pretty + ("\n,\r\n" + pretty)* + "\n]".
//   Errors: {"error":{"code","message","status","details"?}}; a bad key is 400 INVALID_ARGUMENT /
//   API_KEY_INVALID (not 401), in-stream errors are a `data: {"error": …}` frame (@google/genai
//   throwIfStreamErrorChunk), a 429's retry hint is a google.rpc.RetryInfo detail, not a header.
import { type Usage, TOKENS_PER_EVENT, replyText } from "../content.js";
import { ids } from "../ids.js";
import { GEMINI_LINE, PRETTY, dump } from "../json.js";
import type { OutHeaders, Provider, Reply, RequestContext, RetryHints, StreamSpec } from "./types.js";
import { header } from "./types.js";

const ROUTE = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

function headers(contentType: string): OutHeaders {
  return {
    "content-type": contentType,
    vary: ["Origin", "X-Origin", "Referer"],
    server: "scaffolding on HTTPServer2",
    "x-xss-protection": "0",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "server-timing": "gfet4t7; dur=42",
  };
}

const JSON_TYPE = "application/json; charset=UTF-8";

const STATUS: Record<number, [status: string, message: string]> = {
  400: ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  401: [
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  ],
  403: ["PERMISSION_DENIED", "The caller does not have permission"],
  404: ["NOT_FOUND", "Requested entity was not found."],
  409: ["ABORTED", "The operation was aborted."],
  429: [
    "RESOURCE_EXHAUSTED",
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
  ],
  500: [
    "INTERNAL",
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  ],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
  504: ["DEADLINE_EXCEEDED", "The request timed out. Please try again."],
};

function errorObject(status: number, message?: string, details?: unknown[]) {
  const [name, text] = STATUS[status] ?? (status >= 500 ? ["UNAVAILABLE", STATUS[503]![1]] : STATUS[400]!);
  return { error: { code: status, message: message ?? text, status: name, details } };
}

function errorReply(status: number, message?: string, details?: unknown[]): Reply {
  return {
    kind: "json",
    status,
    headers: headers(JSON_TYPE),
    body: `${dump(errorObject(status, message, details), PRETTY)}\n`,
  };
}

/** Gemini has no retry-after header; the delay travels as a RetryInfo detail (e.g. "37s"). */
function retryDetails(status: number, hints: RetryHints): unknown[] | undefined {
  const seconds =
    hints.retryAfter !== undefined
      ? Number(hints.retryAfter)
      : hints.retryAfterMs !== undefined
        ? Number(hints.retryAfterMs) / 1000
        : undefined;
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  const retry = { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${seconds}s` };
  if (status !== 429) return [retry];
  return [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
          quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
        },
      ],
    },
    {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [
        {
          description: "Learn more about Gemini API quotas",
          url: "https://ai.google.dev/gemini-api/docs/rate-limits",
        },
      ],
    },
    retry,
  ];
}

function usageMetadata(u: Usage, candidates: number) {
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: candidates,
    totalTokenCount: u.input + candidates,
    cachedContentTokenCount: u.cacheRead || undefined,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: u.input }],
    cacheTokensDetails: u.cacheRead ? [{ modality: "TEXT", tokenCount: u.cacheRead }] : undefined,
  };
}

function chunk(responseId: string, model: string, text: string, u: Usage, candidates: number, last: boolean) {
  return {
    candidates: [
      { content: { parts: [{ text }], role: "model" }, finishReason: last ? "STOP" : undefined, index: 0 },
    ],
    usageMetadata: usageMetadata(u, candidates),
    modelVersion: model,
    responseId,
  };
}

function generate(ctx: RequestContext, model: string): Reply {
  const u = ctx.usageFor(ctx.events);
  const body = `${dump(chunk(ids.geminiResponse(ctx.seq), model, replyText(ctx.events), u, u.output, true), PRETTY)}\n`;
  return { kind: "json", status: 200, headers: headers(JSON_TYPE), body };
}

function streamGenerate(ctx: RequestContext, model: string): Reply {
  const sse = ctx.query.get("alt") === "sse";
  let sent = 0;
  const responseId = ids.geminiResponse(ctx.seq);
  // usageMetadata is cumulative per chunk; the final chunk carries the whole reply's count.
  const body = (text: string, index: number, last: boolean) => {
    const u = ctx.usageFor(index + 1);
    const candidates = last ? u.output : Math.min(u.output, (index + 1) * TOKENS_PER_EVENT);
    return chunk(responseId, model, text, u, candidates, last);
  };
  const overloaded = errorObject(503);
  const stream: StreamSpec = sse
    ? {
        preamble: () => [],
        delta: (text, i, last) => `data: ${dump(body(text, i, last), GEMINI_LINE)}\r\n\r\n`,
        epilogue: () => [],
        error: () => `data: ${dump(overloaded, GEMINI_LINE)}\r\n\r\n`,
      }
    : {
        preamble: () => ["["],
        delta: (text, i, last) => `${sent++ === 0 ? "" : "\n,\r\n"}${dump(body(text, i, last), PRETTY)}`,
        epilogue: () => ["\n]"],
        error: () => `${sent === 0 ? "" : "\n,\r\n"}${dump(overloaded, PRETTY)}\n]`,
      };
  const h = sse
    ? { ...headers("text/event-stream"), "content-disposition": "attachment" }
    : headers(JSON_TYPE);
  return { kind: "stream", status: 200, headers: h, stream };
}

function countTokens(ctx: RequestContext): Reply {
  const u = ctx.usageFor(0);
  const body = {
    totalTokens: u.input,
    cachedContentTokenCount: u.cacheRead || undefined,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: u.input }],
  };
  return { kind: "json", status: 200, headers: headers(JSON_TYPE), body: `${dump(body, PRETTY)}\n` };
}

const MODELS = [
  ["gemini-2.5-flash", "Gemini 2.5 Flash"],
  ["gemini-2.5-pro", "Gemini 2.5 Pro"],
  ["gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"],
] as const;

function listModels(): Reply {
  const models = MODELS.map(([id, displayName]) => ({
    name: `models/${id}`,
    version: "001",
    displayName,
    description: `Stable version of ${displayName}.`,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: [
      "generateContent",
      "countTokens",
      "createCachedContent",
      "batchGenerateContent",
    ],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  }));
  return { kind: "json", status: 200, headers: headers(JSON_TYPE), body: `${dump({ models }, PRETTY)}\n` };
}

function withBody(fn: (ctx: RequestContext, model: string) => Reply, model: string) {
  return (ctx: RequestContext): Reply => {
    if (ctx.badJson || !ctx.json)
      return errorReply(
        400,
        `Invalid JSON payload received. Unknown name "": Root element must be a message.`,
      );
    return fn(ctx, model);
  };
}

export const gemini: Provider = {
  name: "gemini",
  route(ctx) {
    const path = ctx.subpath.replace(/\/+$/, "");
    if (ctx.method === "GET" && /^\/(v1beta|v1)\/models$/.test(path)) return listModels;
    const m = ctx.method === "POST" ? ROUTE.exec(path) : null;
    if (!m) return undefined;
    const model = decodeURIComponent(m[2]!);
    if (m[3] === "generateContent") return withBody(generate, model);
    if (m[3] === "streamGenerateContent") return withBody(streamGenerate, model);
    return withBody((c) => countTokens(c), model);
  },
  notFound: () => errorReply(404, "Method not found."),
  authenticate(ctx) {
    const key = header(ctx, "x-goog-api-key") ?? ctx.query.get("key") ?? undefined;
    if (!key) {
      return errorReply(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (ctx.keys.includes(key)) return undefined;
    const message = "API key not valid. Please pass a valid API key.";
    return errorReply(400, message, [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message },
    ]);
  },
  error: (_ctx, status, hints) => errorReply(status, undefined, retryDetails(status, hints)),
};
