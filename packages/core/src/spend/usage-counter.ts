/** Adds each call's tokens and cost to its key's counters for the day, after the response has ended. */
import type { Middleware } from "../compose.js";
import { costOf, type PricingTable } from "../middleware/pricing.js";
import type { UsageStore } from "../ports/usage.js";
import { dayOf } from "./window.js";

export function usageCounter(store: UsageStore, pricing: PricingTable): Middleware {
  return async function countUsage(ctx, next) {
    const response = await next();
    const client = ctx.client;
    // Only calls that reached the provider (or the response cache): refusals cost nothing.
    if (!client || (!ctx.upstreamHeaders && ctx.cache !== "HIT")) return response;
    ctx.waitUntil(
      ctx.completion.then(({ usage }) => {
        const cost = ctx.cache === "HIT" ? 0 : costOf(pricing, ctx.answered?.model ?? ctx.model, usage);
        return store.add(client.id, dayOf(ctx.startedAt), {
          requests: 1,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          cacheReadTokens: usage.cacheReadTokens,
          cacheWriteTokens: usage.cacheWriteTokens,
          costNanoUsd: Math.round((cost ?? 0) * 1e9), // unpriced: flagged by the usage rows (dashboard work)
        });
      }),
    );
    return response;
  };
}
