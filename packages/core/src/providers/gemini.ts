/**
 * Gemini API. Errors: https://ai.google.dev/gemini-api/docs/troubleshooting · Streaming with `?alt=sse`:
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
import type { FailureName } from "../failures.js";
import { stripClientCredentials } from "./auth-headers.js";
import type { ProviderSpec } from "./types.js";

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "UNIMPLEMENTED",
  413: "INVALID_ARGUMENT",
  415: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

function errorJson(status: number, _failure: FailureName, message: string): string {
  return JSON.stringify({ error: { code: status, message, status: STATUS_NAMES[status] ?? "INTERNAL" } });
}

export const gemini: ProviderSpec = {
  name: "gemini",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  basePath: "",
  keySecrets: ["GEMINI_API_KEY", "GEMINI_API_KEY_SECONDARY"],
  keyShape: /^AIza[A-Za-z0-9_-]{30,}$/,
  readClientKey: (request, url) =>
    request.headers.get("x-goog-api-key") ?? url.searchParams.get("key") ?? undefined,
  applyUpstreamAuth(headers, url, key) {
    stripClientCredentials(headers, url);
    headers.set("x-goog-api-key", key);
  },
  errorBody: errorJson,
  // `x-goog-user-project` (bills another project) and other x-goog-* headers are not forwarded.
  headers: {
    request: { names: ["x-goog-api-client"] },
    response: { names: ["x-request-id"] },
  },
  jsonArrayErrorTail: (failure, message, first) =>
    `${first ? "" : ",\r\n"}${errorJson(failure === "stream_stall" ? 504 : 503, failure, message)}\n]`,
  streamErrorEvent: (failure, message) =>
    `data: ${errorJson(failure === "stream_stall" ? 504 : 503, failure, message)}\r\n\r\n`,
  // `@google/genai` 3 calls /v1 by default, the REST docs and older SDKs /v1beta: both are served.
  endpoints: [
    {
      name: "generateContent",
      method: "POST",
      pattern: /^\/v1(?:beta)?\/models\/([^/:]+):generateContent$/,
      kind: "json",
      stream: "never",
      cacheable: true,
    },
    {
      name: "streamGenerateContent",
      method: "POST",
      pattern: /^\/v1(?:beta)?\/models\/([^/:]+):streamGenerateContent$/,
      kind: "json",
      stream: "always",
    },
    {
      name: "countTokens",
      method: "POST",
      pattern: /^\/v1(?:beta)?\/models\/([^/:]+):countTokens$/,
      kind: "json",
      stream: "never",
    },
    {
      name: "embedContent",
      method: "POST",
      pattern: /^\/v1(?:beta)?\/models\/([^/:]+):(batchE|e)mbedContents?$/,
      kind: "json",
      stream: "never",
    },
    {
      name: "models",
      method: "GET",
      pattern: /^\/v1(?:beta)?\/models(\/[^/:]+)?$/,
      kind: "passthrough",
      stream: "never",
    },
  ],
};
