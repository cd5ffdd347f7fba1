import type { FailureName } from "../failures.js";
import type { ProviderName } from "../providers/types.js";

/** One data point per call. Every field is always present so sinks can map them to fixed columns. */
export interface MetricPoint {
  /** Milliseconds since the epoch when the request arrived. */
  timestamp: number;
  provider: ProviderName | "";
  /**
   * The model that answered: after aliases and task routing, and the fallback's model when a fallback
   * answered ("" when unknown, e.g. an unparsable body).
   */
  model: string;
  /** The client key's public id (never the key). "" when the call was not authenticated. */
  keyId: string;
  /** The route name, e.g. "anthropic.messages". */
  route: string;
  status: number;
  /** "" when the call succeeded. */
  failure: FailureName | "";
  stream: boolean;
  /** "HIT", "MISS", or "" when the response cache was not consulted. */
  cache: "HIT" | "MISS" | "";
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Upstream attempts beyond the first. */
  retries: number;
  latencyMs: number;
  /** Time to the first byte of the response body (-1 when no body was sent). */
  ttfbMs: number;
  /** Cost in US dollars from the pricing table; -1 when the model is unpriced (unknown cost, not free). */
  costUsd: number;
  /** Upstream capacity left, from the provider's rate-limit headers (-1 when absent). */
  upstreamRequestsRemaining: number;
  upstreamTokensRemaining: number;
}

export interface MetricsSink {
  /** Called once per call, after the response has ended, from `waitUntil`. Must not throw for bad data. */
  record(point: MetricPoint): void | Promise<void>;
}
