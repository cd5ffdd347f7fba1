/**
 * Anthropic Messages API.
 * Errors: https://docs.claude.com/en/api/errors · Streaming: https://docs.claude.com/en/docs/build-with-claude/streaming
 */
import type { FailureName } from "../failures.js";
import { bearer, stripClientCredentials } from "./auth-headers.js";
import type { ProviderSpec } from "./types.js";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  415: "invalid_request_error",
  429: "rate_limit_error",
  500: "api_error",
  502: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

function errorType(status: number, failure: FailureName): string {
  if (failure === "in_stream_overload" || failure === "overloaded") return "overloaded_error";
  if (failure === "stream_stall" || failure === "upstream_timeout") return "timeout_error";
  return ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

function errorJson(status: number, failure: FailureName, message: string): string {
  return JSON.stringify({ type: "error", error: { type: errorType(status, failure), message } });
}

export const anthropic: ProviderSpec = {
  name: "anthropic",
  defaultBaseUrl: "https://api.anthropic.com",
  basePath: "",
  keySecrets: ["ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY_SECONDARY"],
  keyShape: /^sk-ant-[A-Za-z0-9_-]{16,}$/,
  readClientKey: (request) => request.headers.get("x-api-key") ?? bearer(request),
  applyUpstreamAuth(headers, url, key) {
    stripClientCredentials(headers, url);
    headers.set("x-api-key", key);
  },
  errorBody: errorJson,
  // https://docs.claude.com/en/api/versioning · /beta-headers · /rate-limits#response-headers
  headers: {
    request: { names: ["anthropic-version", "anthropic-beta"] },
    response: { names: ["request-id", "x-request-id"], prefixes: ["anthropic-ratelimit-"] },
  },
  streamErrorEvent: (failure, message) => `event: error\ndata: ${errorJson(500, failure, message)}\n\n`,
  endpoints: [
    {
      name: "messages",
      method: "POST",
      pattern: /^\/v1\/messages$/,
      kind: "json",
      stream: "body-flag",
      cacheable: true,
    },
    {
      name: "count_tokens",
      method: "POST",
      pattern: /^\/v1\/messages\/count_tokens$/,
      kind: "json",
      stream: "never",
    },
    {
      name: "models",
      method: "GET",
      pattern: /^\/v1\/models(\/[^/]+)?$/,
      kind: "passthrough",
      stream: "never",
    },
    {
      name: "files",
      method: "GET",
      pattern: /^\/v1\/files(\/[^/]+(\/content)?)?$/,
      kind: "passthrough",
      stream: "never",
    },
    { name: "files", method: "POST", pattern: /^\/v1\/files$/, kind: "passthrough", stream: "never" },
    {
      name: "files",
      method: "DELETE",
      pattern: /^\/v1\/files\/[^/]+$/,
      kind: "passthrough",
      stream: "never",
    },
    {
      name: "batches",
      method: "GET",
      pattern: /^\/v1\/messages\/batches(\/[^/]+(\/results)?)?$/,
      kind: "passthrough",
      stream: "never",
    },
    {
      name: "batches",
      method: "POST",
      pattern: /^\/v1\/messages\/batches(\/[^/]+\/cancel)?$/,
      kind: "passthrough",
      stream: "never",
    },
    {
      name: "batches",
      method: "DELETE",
      pattern: /^\/v1\/messages\/batches\/[^/]+$/,
      kind: "passthrough",
      stream: "never",
    },
  ],
};
