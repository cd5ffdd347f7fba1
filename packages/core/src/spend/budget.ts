/**
 * Token budgets per client key: reserve before, settle after, in the strongly consistent bucket store.
 * A budget is a bucket that never refills, keyed by its window (`budget:<keyId>:<YYYY-MM-DD|YYYY-MM>`), so a
 * new window is simply a new, full bucket. Before forwarding, the call reserves its worst case (input
 * estimate + output cap) with one atomic take, so concurrent calls can never jointly overspend; when the
 * response ends, a forced take of (observed − reserved) settles it, refunding what was not used.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../failures.js";
import type { BucketPolicy, RateLimitStore, TakeResult } from "../ports/rate-limit.js";
import type { Usage } from "../stream/usage.js";
import { canCountTokens, countInputTokens } from "./count-tokens.js";
import { estimateInputTokens, METERED_ROUTES, maxOutputTokens } from "./estimate.js";
import { type BudgetWindow, budgetWindow } from "./window.js";

export interface BudgetOptions {
  /**
   * Ask the provider's token-counting endpoint when the balance left after the reservation would fall
   * within this fraction of the budget (or the reservation does not fit). Default 0.2.
   */
  nearCapFraction?: number;
  /** Set false to never call the counting endpoints. Default true. */
  countTokens?: boolean;
  /** Output reserved for a request that sets no cap of its own. Default 4096. */
  defaultMaxOutputTokens?: number;
  /**
   * How much one cache-read token counts against a budget. Default 1: a budget counts every token the
   * provider processed. Set e.g. 0.1 to mirror Anthropic's cache-read price.
   */
  cacheReadWeight?: number;
  /** When the store cannot be reached: refuse with 503 (default: the gateway's `failOpen`) or let calls through. */
  failOpen?: boolean;
}

/** Response header with the tokens left in the key's budget after this call's reservation. */
export const BUDGET_REMAINING_HEADER = "x-sluice-budget-remaining";

/** Tokens a call is charged for its observed usage. */
export function billedTokens(usage: Usage, cacheReadWeight = 1): number {
  return (
    usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens * cacheReadWeight
  );
}

export function budgets(store: RateLimitStore | undefined, options: BudgetOptions = {}): Middleware {
  const nearCap = options.nearCapFraction ?? 0.2;
  const fallbackOutput = options.defaultMaxOutputTokens ?? 4096;
  const weight = options.cacheReadWeight ?? 1;
  const failOpen = options.failOpen ?? false;

  return async function budgeted(ctx, next) {
    const budget = ctx.client?.budget;
    if (!budget || !ctx.client || ctx.json === undefined || !METERED_ROUTES.has(ctx.route)) return next();
    const window = budgetWindow(budget.window, Date.now());
    const key = `budget:${ctx.client.id}:${window.id}`;
    const policy: BucketPolicy = { capacity: budget.tokens, refillPerSecond: 0, ttlSeconds: window.seconds };
    const output = maxOutputTokens(ctx.route, ctx.json, fallbackOutput);
    let reserved = estimateInputTokens(ctx.body?.byteLength ?? 0) + output;

    let result: TakeResult;
    try {
      result = await store!.take(key, reserved, policy);
      const near = !result.allowed || result.remaining < nearCap * budget.tokens;
      if (near && options.countTokens !== false && canCountTokens(ctx.route)) {
        const counted = await countInputTokens(ctx);
        if (counted !== undefined) {
          const precise = counted + output;
          if (result.allowed && precise < reserved) {
            result = await store!.take(key, precise - reserved, policy, { force: true });
            reserved = precise;
          } else if (result.allowed && precise > reserved) {
            const more = await store!.take(key, precise - reserved, policy);
            if (!more.allowed) {
              await store!.take(key, -reserved, policy, { force: true });
              throw exceeded(ctx, window, more.remaining, precise);
            }
            result = more;
            reserved = precise;
          } else if (!result.allowed && precise < reserved) {
            result = await store!.take(key, precise, policy);
            reserved = precise;
          }
        }
      }
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (failOpen) {
        // Never silent: the client and the metrics see that this call's budget went unchecked.
        return mark(await next(), "x-sluice-budget", "unchecked");
      }
      throw new GatewayError(
        "state_unavailable",
        store
          ? "The budget store could not be reached, and this key has a token budget; try again shortly."
          : "This key has a token budget, but the gateway has no `stores.rateLimit` to keep it in.",
        { headers: { "retry-after": "1" } },
      );
    }
    if (!result.allowed) throw exceeded(ctx, window, result.remaining, reserved);

    const settle = (usage: Usage | undefined) =>
      store!
        .take(key, (usage ? billedTokens(usage, weight) : 0) - reserved, policy, { force: true })
        .catch(() => {}); // unreachable store: the reservation stands (over-counts, never over-admits)
    let response: Response;
    try {
      response = await next();
    } catch (error) {
      ctx.waitUntil(settle(undefined));
      throw error;
    }
    // Settled to what the provider reported, once the body has ended: all of it refunded when the call
    // died before any usage was seen (upstream error, abort before the first event).
    ctx.waitUntil(ctx.completion.then((done) => settle(done.usage)));
    return mark(response, BUDGET_REMAINING_HEADER, String(Math.max(0, Math.floor(result.remaining))));
  };
}

/** Sets a header where the response allows it (a response straight from `fetch` may have immutable headers). */
function mark(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
  } catch {}
  return response;
}

function exceeded(
  ctx: GatewayContext,
  window: BudgetWindow,
  remaining: number,
  needed: number,
): GatewayError {
  const budget = ctx.client!.budget!;
  const resets = new Date(window.endsAt).toISOString();
  const seconds = Math.max(1, Math.ceil((window.endsAt - Date.now()) / 1000));
  return new GatewayError(
    "budget_exceeded",
    `Token budget exceeded: this key may use ${budget.tokens} tokens per ${budget.window} (UTC); ` +
      `${Math.max(0, Math.floor(remaining))} are left and this request needs up to ${Math.ceil(needed)} ` +
      `(input + max output). The budget resets at ${resets}.`,
    {
      headers: {
        "retry-after": String(seconds),
        "x-sluice-budget-reset": resets,
        // Retrying before the reset cannot succeed; SDKs that honour this header stop at once.
        "x-should-retry": "false",
      },
    },
  );
}
