/**
 * OpenAI and the OpenAI-compatible providers (Groq, Cerebras) share one error and stream shape.
 * Errors: https://platform.openai.com/docs/guides/error-codes · Streaming: https://platform.openai.com/docs/api-reference/chat-streaming
 */
import type { FailureName } from "../failures.js";
import { bearer, stripClientCredentials } from "./auth-headers.js";
import type { ProviderSpec } from "./types.js";

function errorType(status: number): string {
  if (status === 401) return "invalid_request_error";
  if (status === 429) return "rate_limit_exceeded";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function errorObject(status: number, failure: FailureName, message: string) {
  return { message, type: errorType(status), param: null, code: failure };
}

export function openAiErrorBody(status: number, failure: FailureName, message: string): string {
  return JSON.stringify({ error: errorObject(status, failure, message) });
}

/** Chat Completions signals a stream error as a data-only chunk with `error`; Responses uses `event: error`. */
export function openAiStreamError(failure: FailureName, message: string, endpoint: string): string {
  const error = errorObject(500, failure, message);
  if (endpoint === "responses") {
    const data = { type: "error", code: failure, message, param: null, error };
    return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
  }
  return `data: ${JSON.stringify({ error })}\n\n`;
}

type CompatibleFields = Pick<
  ProviderSpec,
  "name" | "defaultBaseUrl" | "basePath" | "keySecrets" | "keyShape" | "endpoints" | "headers"
>;

/**
 * `openai-organization` and `openai-project` are never forwarded: with the operator's key they would pick
 * another organization or project of the operator's account. https://platform.openai.com/docs/api-reference/debugging-requests
 */
const OPENAI_HEADERS: NonNullable<ProviderSpec["headers"]> = {
  request: { names: ["openai-beta", "idempotency-key"] },
  response: {
    names: ["x-request-id", "openai-processing-ms", "openai-version"],
    prefixes: ["x-ratelimit-"],
  },
};

/** Builds a provider spec for an API that speaks OpenAI's auth, error and stream conventions. */
export function openAiCompatible(fields: CompatibleFields): ProviderSpec {
  return {
    ...fields,
    readClientKey: (request) => bearer(request),
    applyUpstreamAuth(headers, url, key) {
      stripClientCredentials(headers, url);
      headers.set("authorization", `Bearer ${key}`);
    },
    errorBody: openAiErrorBody,
    streamErrorEvent: openAiStreamError,
    headers: fields.headers ?? OPENAI_HEADERS,
  };
}
