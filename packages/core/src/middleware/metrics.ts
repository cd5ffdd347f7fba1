/** Writes one data point per call to every sink, after the response body has ended (off the hot path). */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import type { MetricPoint, MetricsSink } from "../ports/metrics.js";
import type { TapResult } from "../stream/tap.js";
import { costOf, type PricingTable } from "./pricing.js";

export function metrics(sinks: MetricsSink[], pricing: PricingTable): Middleware {
  return async function recordMetrics(ctx, next) {
    const response = await next();
    ctx.waitUntil(
      ctx.completion.then((result) => {
        const point = metricPoint(ctx, response.status, result, pricing);
        return Promise.all(
          sinks.map((sink) =>
            Promise.resolve()
              .then(() => sink.record(point))
              .catch(() => {}),
          ),
        );
      }),
    );
    return response;
  };
}

/** `costUsd` of a call whose model the pricing table does not know: unknown, not free. */
export const UNPRICED = -1;

function remaining(headers: Headers | undefined, names: string[]): number {
  for (const name of names) {
    const value = headers?.get(name);
    if (value != null && value !== "" && Number.isFinite(Number(value))) return Number(value);
  }
  return -1;
}

export function metricPoint(
  ctx: GatewayContext,
  status: number,
  result: TapResult,
  pricing: PricingTable,
): MetricPoint {
  const { usage } = result;
  const failure = result.failure ?? ctx.failure ?? "";
  return {
    timestamp: ctx.startedAt,
    provider: ctx.answered?.provider ?? ctx.provider.name,
    model: ctx.answered?.model ?? ctx.model,
    keyId: ctx.client?.id ?? "",
    route: ctx.route,
    status,
    failure,
    stream: ctx.stream,
    cache: ctx.cache,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    retries: ctx.retries,
    latencyMs: Date.now() - ctx.startedAt,
    ttfbMs: result.ttfbMs,
    costUsd: ctx.cache === "HIT" ? 0 : (costOf(pricing, ctx.answered?.model ?? ctx.model, usage) ?? UNPRICED),
    upstreamRequestsRemaining: remaining(ctx.upstreamHeaders, [
      "anthropic-ratelimit-requests-remaining",
      "x-ratelimit-remaining-requests",
    ]),
    upstreamTokensRemaining: remaining(ctx.upstreamHeaders, [
      "anthropic-ratelimit-tokens-remaining",
      "anthropic-ratelimit-input-tokens-remaining",
      "x-ratelimit-remaining-tokens",
    ]),
  };
}
