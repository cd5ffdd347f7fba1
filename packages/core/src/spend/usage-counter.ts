/**
 * Adds one row per authenticated call to the usage store, after the response has ended: by key, by the model
 * that answered and by UTC hour, with tokens, cost, latency and the failure, if any.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import { costOf, type PricingTable } from "../middleware/pricing.js";
import { counterEntries, emptyCounters, hourOf, type UsageRow, type UsageStore } from "../ports/usage.js";
import type { TapResult } from "../stream/tap.js";

export function usageCounter(store: UsageStore, pricing: PricingTable): Middleware {
  return async function countUsage(ctx, next) {
    const response = await next();
    // Calls refused before auth have no key to count against.
    if (!ctx.client) return response;
    ctx.waitUntil(
      ctx.completion.then((result) => {
        const row = usageRow(ctx, result, pricing);
        // A call that neither reached the provider nor failed (answered by middleware) has nothing to add.
        return counterEntries(row.counters).length > 0 ? store.add(row) : undefined;
      }),
    );
    return response;
  };
}

/**
 * One call's row. `requests` counts calls the provider (or the response cache) answered; a call refused
 * before that (rate limit, budget, unreachable upstream) adds only its failure to `errors`.
 */
export function usageRow(ctx: GatewayContext, result: TapResult, pricing: PricingTable): UsageRow {
  const counters = emptyCounters();
  // The model that answered: a fallback's when one did.
  const model = ctx.answered?.model ?? ctx.model;
  const failure = result.failure ?? ctx.failure;
  if (failure === "prompt_cache_miss") counters.cacheMisses = 1;
  else if (failure) counters.errors[failure] = 1;
  if (ctx.upstreamHeaders || ctx.cache === "HIT") {
    const { usage } = result;
    counters.requests = 1;
    counters.inputTokens = usage.inputTokens;
    counters.outputTokens = usage.outputTokens;
    counters.cacheReadTokens = usage.cacheReadTokens;
    counters.cacheWriteTokens = usage.cacheWriteTokens;
    if (ctx.cache !== "HIT") {
      // An unpriced model is counted, not guessed at.
      const cost = costOf(pricing, model, usage);
      if (cost === undefined) counters.unpriced = 1;
      else counters.costNanoUsd = Math.round(cost * 1e9);
    }
    counters.latencyMs = Math.max(0, Math.round(Date.now() - ctx.startedAt));
    if (result.ttfbMs >= 0) {
      counters.ttfbMs = Math.round(result.ttfbMs);
      counters.ttfbCount = 1;
    }
  }
  return { keyId: ctx.client?.id ?? "", model, hour: hourOf(ctx.startedAt), counters };
}
