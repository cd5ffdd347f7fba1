/**
 * What every API speaking OpenAI's conventions shares: Bearer auth, the error and stream-error shapes, the
 * usage fields, and the Chat Completions and models endpoints. Provider files build on these; none is named here.
 * Errors: https://platform.openai.com/docs/guides/error-codes · Streaming: https://platform.openai.com/docs/api-reference/chat-streaming
 */
import type { FailureName } from "../failures.js";
import type { UsageReader } from "../stream/usage.js";
import { bearer, stripClientCredentials } from "./auth-headers.js";
import { defineProvider } from "./define.js";
import { isRecord, list, type ObjectSlot, objectRef } from "./object-slots.js";
import type { Endpoint, ProviderDefinition, ProviderEnv, ProviderSpec } from "./types.js";

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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Chat Completions `usage` (prompt/completion tokens, cached tokens inside the prompt) and Responses'
 * `response.usage` (input/output tokens, cached inside the input).
 */
export const readOpenAiUsage: UsageReader = (value, usage) => {
  if (!isObject(value)) return undefined;
  if (isObject(value.error) || value.type === "error" || value.type === "response.failed") {
    // OpenAI has no overload error type; it says so in the code ("server_is_overloaded") or the message.
    const error = isObject(value.error) ? value.error : value;
    const said = `${String(error.code ?? "")} ${String(error.message ?? "")}`;
    return /overloaded/i.test(said) ? "in_stream_overload" : "in_stream_error";
  }
  const response = isObject(value.response) ? value.response : undefined;
  const source = value.usage ?? response?.usage;
  if (!isObject(source)) return undefined;
  const input = num(source.prompt_tokens) ?? num(source.input_tokens);
  const details = source.prompt_tokens_details ?? source.input_tokens_details;
  const cached = isObject(details) ? (num(details.cached_tokens) ?? 0) : 0;
  if (input !== undefined) usage.inputTokens = input - cached;
  usage.cacheReadTokens = cached;
  usage.outputTokens = num(source.completion_tokens) ?? num(source.output_tokens) ?? usage.outputTokens;
  // Chat Completions sends usage once, at the end; Responses only on its last events.
  usage.complete = true;
  return undefined;
};

/** `POST /chat/completions`: metered, cacheable, translatable, usage in streams only when asked. */
export const chatCompletions: Endpoint = {
  name: "chat",
  method: "POST",
  pattern: /^\/chat\/completions$/,
  kind: "json",
  stream: "body-flag",
  cacheable: true,
  metered: true,
  operation: "chat",
  chat: "openai",
  usageOptIn: true,
};

/** `GET /models` and `GET /models/{id}`. */
export const listModels: Endpoint = {
  name: "models",
  method: "GET",
  pattern: /^\/models(\/[^/]+)?$/,
  kind: "passthrough",
  stream: "never",
};

/** Endpoints moved under a path prefix (`/openai/v1/chat/completions`), for APIs whose base URL stops short. */
export function under(prefix: string, endpoints: Endpoint[]): Endpoint[] {
  return endpoints.map((e) => ({ ...e, pattern: new RegExp(`^${prefix}${e.pattern.source.slice(1)}`) }));
}

/**
 * `openai-organization` and `openai-project` are never forwarded: with the operator's key they would pick
 * another organization or project of the operator's account. https://platform.openai.com/docs/api-reference/debugging-requests
 */
export const OPENAI_HEADERS: NonNullable<ProviderSpec["headers"]> = {
  request: { names: ["openai-beta", "idempotency-key"] },
  response: { names: ["x-request-id", "openai-processing-ms", "openai-version"] },
  account: { names: [], prefixes: ["x-ratelimit-"] },
};

/**
 * Long context in Chat Completions messages: a string `content` that is exactly REF, `{type:"text", text:REF}`,
 * `{type:"image_url", image_url:{url:REF}}` and `{type:"file", file:{file_data:REF}}` (as data URLs).
 */
export function chatObjectSlots(body: Record<string, unknown>): ObjectSlot[] {
  const slots: ObjectSlot[] = [];
  for (const message of list(body.messages)) {
    if (!isRecord(message)) continue;
    const whole = objectRef(message.content);
    if (whole) slots.push({ key: whole, fill: (o) => (message.content = o.text()) });
    for (const part of list(message.content)) {
      if (!isRecord(part)) continue;
      const image = isRecord(part.image_url) ? part.image_url : undefined;
      const file = isRecord(part.file) ? part.file : undefined;
      let key = part.type === "text" ? objectRef(part.text) : undefined;
      if (key) slots.push({ key, fill: (o) => (part.text = o.text()) });
      key = image ? objectRef(image.url) : undefined;
      if (key && image) slots.push({ key, fill: (o) => (image.url = o.dataUrl()) });
      key = file ? objectRef(file.file_data) : undefined;
      if (key && file) slots.push({ key, fill: (o) => (file.file_data = o.dataUrl()) });
    }
  }
  return slots;
}

type CompatibleFields<N extends string> = Omit<
  ProviderDefinition<N>,
  "readClientKey" | "applyUpstreamAuth" | "errorBody" | "streamErrorEvent" | "readUsage"
> &
  Partial<Pick<ProviderDefinition<N>, "readUsage">>;

/**
 * Builds a provider for an API that speaks OpenAI's auth, error, usage and stream conventions.
 *
 * @example
 * export const acme = openAiCompatible({ name: "acme", endpoints: under("/v1", [chatCompletions]), … });
 */
export function openAiCompatible<const N extends string, const E extends ProviderEnv>(
  fields: CompatibleFields<N> & { env: E },
): ProviderSpec<N> & { env: E } {
  return defineProvider({
    readClientKey: (request) => bearer(request),
    applyUpstreamAuth(headers, url, key) {
      stripClientCredentials(headers, url);
      headers.set("authorization", `Bearer ${key}`);
    },
    errorBody: openAiErrorBody,
    streamErrorEvent: openAiStreamError,
    readUsage: readOpenAiUsage,
    objectSlots: chatObjectSlots,
    ...fields,
    headers: fields.headers ?? OPENAI_HEADERS,
  });
}
