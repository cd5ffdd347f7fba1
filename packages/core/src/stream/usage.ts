/**
 * Token usage read from response JSON, normalized so cost math is the same for every provider:
 * `inputTokens` are the uncached input tokens, billed at the full input price.
 */
import type { FailureName } from "../failures.js";
import { PROVIDER_LIST, type ProviderName } from "../providers/index.js";

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

/** Each provider's reader, from its provider file. */
export const USAGE_READERS = Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p.readUsage])) as Record<
  ProviderName,
  UsageReader
>;
