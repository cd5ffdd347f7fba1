/**
 * Anthropic Messages API.
 * Errors: https://docs.claude.com/en/api/errors · Streaming: https://docs.claude.com/en/docs/build-with-claude/streaming
 */
import type { FailureName } from "../../failures.js";
import type { UsageReader } from "../../stream/usage.js";
import { bearer, stripClientCredentials } from "../auth-headers.js";
import { defineProvider } from "../define.js";
import { isRecord, isTextType, list, type ObjectSlot, objectRef } from "../object-slots.js";

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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * `message_start.message.usage`, then cumulative `message_delta.usage`; a whole message has `usage`.
 * `input_tokens` already excludes cache reads and writes.
 */
export const readAnthropicUsage: UsageReader = (value, usage) => {
  if (!isObject(value)) return undefined;
  if (value.type === "error") {
    const error = isObject(value.error) ? value.error : {};
    return error.type === "overloaded_error" ? "in_stream_overload" : "in_stream_error";
  }
  const source = isObject(value.message) ? value.message.usage : value.usage;
  if (!isObject(source)) return undefined;
  if (value.type === "message_delta" || value.type === "message") usage.complete = true;
  usage.inputTokens = num(source.input_tokens) ?? usage.inputTokens;
  usage.outputTokens = num(source.output_tokens) ?? usage.outputTokens;
  usage.cacheReadTokens = num(source.cache_read_input_tokens) ?? usage.cacheReadTokens;
  usage.cacheWriteTokens = num(source.cache_creation_input_tokens) ?? usage.cacheWriteTokens;
  // The split by TTL, when reported (message_start and whole messages carry it; message_delta may not).
  if (isObject(source.cache_creation)) {
    const hour = num(source.cache_creation.ephemeral_1h_input_tokens) ?? 0;
    if (hour > 0 || usage.cacheWrite1hTokens !== undefined) usage.cacheWrite1hTokens = hour;
  }
  return undefined;
};

/**
 * Fields `count_tokens` accepts (https://docs.claude.com/en/api/messages-count-tokens). Everything else the
 * Messages API takes (`max_tokens`, `stream`, `temperature`, `metadata`, `stop_sequences`, `service_tier`, …)
 * is rejected with a 400 there.
 */
const COUNT_FIELDS = [
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "thinking",
  "cache_control",
  "output_config",
  "output_format",
  "context_management",
  "mcp_servers",
  "speed",
];

/** Long context: every `sluice-object://` reference in `system` and the messages' content blocks. */
function anthropicObjectSlots(body: Json): ObjectSlot[] {
  const slots: ObjectSlot[] = [];
  for (const block of list(body.system)) blockSlots(block, slots);
  for (const message of list(body.messages))
    if (isRecord(message)) for (const block of list(message.content)) blockSlots(block, slots);
  return slots;
}

/**
 * `{type:"text", text:REF}`; `{type:"document", source:{type:"text", media_type:"text/plain", data:REF}}`;
 * `{type:"document"|"image", source:{type:"url", url:REF}}` becomes a text source (text objects, documents
 * only) or a base64 source (PDFs, images), typed by the object's content type.
 * https://docs.claude.com/en/docs/build-with-claude/pdf-support · /vision
 */
function blockSlots(block: unknown, slots: ObjectSlot[]): void {
  if (!isRecord(block)) return;
  const source = block.source;
  let key = block.type === "text" ? objectRef(block.text) : undefined;
  if (key) slots.push({ key, fill: (o) => (block.text = o.text()) });
  if (!isRecord(source) || (block.type !== "document" && block.type !== "image")) return;
  key = source.type === "text" ? objectRef(source.data) : undefined;
  if (key) slots.push({ key, fill: (o) => (source.data = o.text()) });
  key = source.type === "url" ? objectRef(source.url) : undefined;
  if (!key) return;
  slots.push({
    key,
    fill: (o) => {
      const type = o.mediaType(source.media_type);
      block.source =
        block.type === "document" && isTextType(type)
          ? { type: "text", media_type: "text/plain", data: o.text() }
          : { type: "base64", media_type: type, data: o.base64() };
    },
  });
}

export const anthropic = defineProvider({
  name: "anthropic",
  defaultBaseUrl: "https://api.anthropic.com",
  basePath: "",
  env: {
    apiKey: "ANTHROPIC_API_KEY",
    secondaryApiKey: "ANTHROPIC_API_KEY_SECONDARY",
    baseUrl: "ANTHROPIC_BASE_URL",
  },
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
    response: { names: ["request-id", "x-request-id"] },
    account: { names: [], prefixes: ["anthropic-ratelimit-"] },
  },
  streamErrorEvent: (failure, message) => `event: error\ndata: ${errorJson(500, failure, message)}\n\n`,
  readUsage: readAnthropicUsage,
  objectSlots: anthropicObjectSlots,
  countTokens: {
    request(json, model) {
      const body: Json = {};
      for (const field of COUNT_FIELDS) if (json[field] !== undefined) body[field] = json[field];
      return { path: "/v1/messages/count_tokens", body: { ...body, model } };
    },
    read: (answer) => answer.input_tokens,
  },
  chatPath: "/v1/messages",
  endpoints: [
    {
      name: "messages",
      method: "POST",
      pattern: /^\/v1\/messages$/,
      kind: "json",
      stream: "body-flag",
      cacheable: true,
      metered: true,
      operation: "chat",
      chat: "anthropic",
      countable: true,
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
});
