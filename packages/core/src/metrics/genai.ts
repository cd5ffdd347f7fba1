/**
 * @module How one call's `MetricPoint` reads in the OpenTelemetry GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/). Names are checked against
 * `@opentelemetry/semantic-conventions` 1.45 in the tests; core keeps its own copies to stay dependency-free.
 */
import type { MetricPoint } from "../ports/metrics.js";
import { type Endpoint, PROVIDER_LIST } from "../providers/index.js";

/** Conventional `gen_ai.provider.name` values (the provider file's `genAiName`, else its Sluice name). */
const PROVIDER_NAMES: Record<string, string> = Object.fromEntries(
  PROVIDER_LIST.map((p) => [p.name, p.genAiName ?? p.name]),
);

/** `gen_ai.operation.name` per Sluice endpoint; other endpoints (models, files, batches…) keep their own name. */
const OPERATIONS: Record<string, string> = Object.fromEntries(
  PROVIDER_LIST.flatMap((p) =>
    (p.endpoints as Endpoint[]).flatMap((e) => (e.operation ? [[`${p.name}.${e.name}`, e.operation]] : [])),
  ),
);

/** Hosts of the providers' real APIs, for `server.address` when the sink is not told otherwise. */
export const DEFAULT_SERVER_ADDRESSES: Record<string, string> = Object.fromEntries(
  PROVIDER_LIST.map((p) => [p.name, new URL(p.defaultBaseUrl).host]),
);

export type AttributeValue = string | number | boolean;

/** A finite number, or 0: a sink never throws for bad data, and never exports NaN. */
export const finite = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) ? value : 0;
const count = (value: unknown): number => Math.max(0, Math.trunc(finite(value)));
const text = (value: unknown): string => (typeof value === "string" ? value : "");

export const providerName = (point: MetricPoint): string => {
  const provider = text(point.provider);
  return PROVIDER_NAMES[provider] ?? provider;
};

export function operationName(point: MetricPoint): string {
  const route = text(point.route);
  return OPERATIONS[route] ?? (route.slice(route.indexOf(".") + 1) || "unknown");
}

/**
 * `error.type`: the failure name, or the status code when an error has no name; undefined on success.
 * A prompt-cache miss is a flag on a call that succeeded, not an error.
 */
export function errorType(point: MetricPoint): string | undefined {
  const failure = text(point.failure);
  if (failure && failure !== "prompt_cache_miss") return failure;
  const status = finite(point.status);
  return status >= 400 ? String(status) : undefined;
}

/**
 * The point's model is the one that answered (after aliases, task routing and fallbacks), so it is
 * `gen_ai.response.model`; it is also the best `gen_ai.request.model` the point holds (the two differ only
 * when an alias or a fallback changed the model, and the point does not keep the client's spelling).
 */
export const responseModel = (point: MetricPoint): string => text(point.model);

/** Token counts in the conventions' sense: `input_tokens` includes cache reads and writes. */
export function tokens(point: MetricPoint) {
  const cacheRead = count(point.cacheReadTokens);
  const cacheWrite = count(point.cacheWriteTokens);
  return {
    input: count(point.inputTokens) + cacheRead + cacheWrite,
    output: count(point.outputTokens),
    cacheRead,
    cacheWrite,
  };
}

/** Attributes shared by the span and the metric points (the conventions' metric attribute set). */
export function commonAttributes(point: MetricPoint, serverAddress: string): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {
    "gen_ai.operation.name": operationName(point),
    "gen_ai.provider.name": providerName(point),
  };
  if (text(point.model)) out["gen_ai.request.model"] = text(point.model);
  if (responseModel(point)) out["gen_ai.response.model"] = responseModel(point);
  if (serverAddress) out["server.address"] = serverAddress;
  const error = errorType(point);
  if (error) out["error.type"] = error;
  return out;
}

/**
 * The span's attributes: the conventions' names first, then Sluice's own under `sluice.`, so every field of
 * the point can be read back from the span. The key id is the public id, never the key.
 */
export function spanAttributes(
  point: MetricPoint,
  serverAddress: string,
  weight: number,
): Record<string, AttributeValue> {
  const used = tokens(point);
  const out: Record<string, AttributeValue> = {
    ...commonAttributes(point, serverAddress),
    "gen_ai.usage.input_tokens": used.input,
    "gen_ai.usage.output_tokens": used.output,
    "gen_ai.usage.cache_read.input_tokens": used.cacheRead,
    "gen_ai.usage.cache_creation.input_tokens": used.cacheWrite,
    "gen_ai.request.stream": point.stream === true,
    "http.response.status_code": Math.trunc(finite(point.status)),
    "sluice.provider": text(point.provider),
    "sluice.route": text(point.route),
    "sluice.key_id": text(point.keyId),
    "sluice.cache": text(point.cache),
    "sluice.retries": count(point.retries),
    "sluice.ttfb_ms": finite(point.ttfbMs),
    "sluice.cost_usd": finite(point.costUsd),
    "sluice.upstream.requests_remaining": finite(point.upstreamRequestsRemaining),
    "sluice.upstream.tokens_remaining": finite(point.upstreamTokensRemaining),
  };
  if (text(point.failure)) out["sluice.failure"] = text(point.failure);
  if (weight !== 1) out["sluice.sample_weight"] = weight;
  return out;
}
