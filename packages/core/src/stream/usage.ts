/**
 * Token usage read from response JSON, normalized so cost math is the same for every provider:
 * `inputTokens` are the uncached input tokens, billed at the full input price.
 */
import type { FailureName } from "../failures.js";
import type { ProviderName } from "../providers/types.js";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /**
   * Of `cacheWriteTokens`, those written with the 1-hour TTL (Anthropic's `cache_creation`
   * `.ephemeral_1h_input_tokens`), priced at the 1-hour write rate. Absent: all writes are 5-minute.
   */
  cacheWrite1hTokens?: number;
  /**
   * The provider's final count was read (Anthropic `message_delta` or a whole message, OpenAI's usage
   * chunk or body, Gemini's finishing chunk). Until then the numbers are partial: a budget settles such a
   * call at no less than its reservation.
   */
  complete?: boolean;
}

export const emptyUsage = (): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

/** Reads usage from one JSON value (a whole body or one stream event) into `usage`; names an in-stream error. */
export type UsageReader = (value: unknown, usage: Usage) => FailureName | undefined;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Anthropic: `message_start.message.usage`, then cumulative `message_delta.usage`; a whole message has `usage`.
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
 * OpenAI-compatible: Chat Completions `usage` (prompt/completion tokens, cached tokens inside the prompt),
 * Groq's `x_groq.usage`, and Responses' `response.usage` (input/output tokens, cached inside the input).
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
  const groq = isObject(value.x_groq) ? value.x_groq : undefined;
  const source = value.usage ?? response?.usage ?? groq?.usage;
  if (!isObject(source)) return undefined;
  const input = num(source.prompt_tokens) ?? num(source.input_tokens);
  const details = source.prompt_tokens_details ?? source.input_tokens_details;
  const cached = isObject(details) ? (num(details.cached_tokens) ?? 0) : 0;
  if (input !== undefined) usage.inputTokens = input - cached;
  usage.cacheReadTokens = cached;
  usage.outputTokens = num(source.completion_tokens) ?? num(source.output_tokens) ?? usage.outputTokens;
  // Chat Completions and Groq send usage once, at the end; Responses only on its last events.
  usage.complete = true;
  return undefined;
};

/** Gemini: `usageMetadata` on every chunk, the last one final; cached tokens are inside the prompt count. */
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

export const USAGE_READERS: Record<ProviderName, UsageReader> = {
  anthropic: readAnthropicUsage,
  openai: readOpenAiUsage,
  groq: readOpenAiUsage,
  cerebras: readOpenAiUsage,
  gemini: readGeminiUsage,
};
