/**
 * Gemini API. Errors: https://ai.google.dev/gemini-api/docs/troubleshooting · Streaming with `?alt=sse`:
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
import type { FailureName } from "../../failures.js";
import type { UsageReader } from "../../stream/usage.js";
import { stripClientCredentials } from "../auth-headers.js";
import { defineProvider } from "../define.js";
import { isRecord, list, type ObjectSlot, objectRef } from "../object-slots.js";

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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const positive = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.ceil(v) : undefined;

/** `usageMetadata` on every chunk, the last one final; cached tokens are inside the prompt count. */
export const readGeminiUsage: UsageReader = (value, usage) => {
  if (Array.isArray(value)) {
    let failure: FailureName | undefined;
    for (const item of value) failure = readGeminiUsage(item, usage) ?? failure;
    return failure;
  }
  if (!isObject(value)) return undefined;
  if (isObject(value.error))
    return value.error.status === "UNAVAILABLE" ? "in_stream_overload" : "in_stream_error";
  const meta = value.usageMetadata;
  if (!isObject(meta)) return undefined;
  const cached = num(meta.cachedContentTokenCount) ?? 0;
  const prompt = num(meta.promptTokenCount);
  if (prompt !== undefined) usage.inputTokens = prompt - cached;
  usage.cacheReadTokens = cached;
  const output = (num(meta.candidatesTokenCount) ?? 0) + (num(meta.thoughtsTokenCount) ?? 0);
  if (output > 0) usage.outputTokens = output;
  // Every chunk carries usageMetadata; the one with a finishReason carries the final count.
  const candidates = Array.isArray(value.candidates) ? value.candidates : [];
  if (candidates.some((c) => isObject(c) && typeof c.finishReason === "string")) usage.complete = true;
  return undefined;
};

/**
 * Long context: `{text:REF}` and `{fileData:{fileUri:REF, mimeType?}}` (becomes `inlineData`) in the system
 * instruction and every content's parts. https://ai.google.dev/gemini-api/docs/document-processing
 */
function geminiObjectSlots(body: Json): ObjectSlot[] {
  const slots: ObjectSlot[] = [];
  for (const content of [body.systemInstruction, ...list(body.contents)])
    if (isRecord(content)) for (const part of list(content.parts)) partSlots(part, slots);
  return slots;
}

function partSlots(part: unknown, slots: ObjectSlot[]): void {
  if (!isRecord(part)) return;
  let key = objectRef(part.text);
  if (key) slots.push({ key, fill: (o) => (part.text = o.text()) });
  const file = isRecord(part.fileData) ? part.fileData : undefined;
  key = file ? objectRef(file.fileUri) : undefined;
  if (!key || !file) return;
  slots.push({
    key,
    fill: (o) => {
      delete part.fileData;
      part.inlineData = { mimeType: o.mediaType(file.mimeType), data: o.base64() };
    },
  });
}

export const gemini = defineProvider({
  name: "gemini",
  genAiName: "gcp.gemini",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  basePath: "",
  env: {
    apiKey: "GEMINI_API_KEY",
    secondaryApiKey: "GEMINI_API_KEY_SECONDARY",
    baseUrl: "GEMINI_BASE_URL",
  },
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
  readUsage: readGeminiUsage,
  /** `generationConfig.maxOutputTokens` per candidate, `candidateCount` candidates. */
  requestedOutput(body) {
    const config = (body.generationConfig ?? body.generation_config) as Json | undefined;
    return {
      cap: positive(config?.maxOutputTokens ?? config?.max_output_tokens),
      n: positive(config?.candidateCount),
    };
  },
  // https://ai.google.dev/api/tokens: `generateContentRequest` counts the system instruction and tools too.
  countTokens: {
    request: (json, model, upstreamPath) => ({
      path: upstreamPath.replace(/:(stream)?generateContent$/i, ":countTokens"),
      body: { generateContentRequest: { ...json, model: `models/${model}` } },
    }),
    read: (answer) => answer.totalTokens,
  },
  objectSlots: geminiObjectSlots,
  // `@google/genai` 3 calls /v1 by default, the REST docs and older SDKs /v1beta: both are served.
  endpoints: [
    {
      name: "generateContent",
      method: "POST",
      pattern: /^\/v1(?:beta)?\/models\/([^/:]+):generateContent$/,
      kind: "json",
      stream: "never",
      cacheable: true,
      metered: true,
      operation: "generate_content",
      countable: true,
    },
    {
      name: "streamGenerateContent",
      method: "POST",
      pattern: /^\/v1(?:beta)?\/models\/([^/:]+):streamGenerateContent$/,
      kind: "json",
      stream: "always",
      metered: true,
      operation: "generate_content",
      countable: true,
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
      metered: true,
      operation: "embeddings",
    },
    {
      name: "models",
      method: "GET",
      pattern: /^\/v1(?:beta)?\/models(\/[^/:]+)?$/,
      kind: "passthrough",
      stream: "never",
    },
  ],
});
