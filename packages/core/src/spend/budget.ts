/**
 * Token budgets per client key: reserve before, settle after, in the strongly consistent bucket store.
 * A budget is a bucket that never refills, keyed by its window (`budget:<keyId>:<YYYY-MM-DD|YYYY-MM>`), so a
 * new window is simply a new, full bucket. Before forwarding, the call reserves its worst case (input
 * estimate or count + output cap) with one atomic take, so concurrent calls can never jointly overspend;
 * when the response ends, a forced take of (charge − reserved) settles it (see `settle.ts`). Calls whose
 * worst case cannot be known up front (hidden input no provider counts, no output cap) pass one at a time
 * per key through the single-flight gate (`gate.ts`), which bounds overspend by one call.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../failures.js";
import { assertMayUse } from "../upstream/policy.js";
import type { BucketPolicy, RateLimitStore, TakeResult } from "../ports/rate-limit.js";
import { canCountTokens, countInputTokens } from "./count-tokens.js";
import { estimateInputTokens, METERED_ROUTES, maxOutputTokens, outputCap } from "./estimate.js";
import { enterGate } from "./gate.js";
import { hidesInput } from "./hidden-input.js";
import { askForUsage, hideUsageChunk } from "./include-usage.js";
import { chargeFor, type Reserved } from "./settle.js";
import { type BudgetWindow, budgetWindow } from "./window.js";

export { billedTokens } from "./settle.js";

export interface BudgetOptions {
  /**
   * Ask the provider's token-counting endpoint when the balance left after the reservation would fall
   * within this fraction of the budget (or the reservation does not fit). Default 0.2. Requests whose
   * body hides input (file ids, URLs, images, documents, cached prefixes) are counted always.
   */
  nearCapFraction?: number;
  /** Set false to never call the counting endpoints (hidden-input calls then take the gate). Default true. */
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
  /** How long an open-ended call waits for its key's single-flight gate before a 429. Default 30 s. */
  gateWaitMs?: number;
  /** A gate whose release was lost (crashed isolate) reopens after this long. Default 600 s. */
  gateHealSeconds?: number;
}

/** Response header with the tokens left in the key's budget after this call's reservation. */
export const BUDGET_REMAINING_HEADER = "x-sluice-budget-remaining";

export function budgets(store: RateLimitStore | undefined, options: BudgetOptions = {}): Middleware {
  const nearCap = options.nearCapFraction ?? 0.2;
  const fallbackOutput = options.defaultMaxOutputTokens ?? 4096;
  const weight = options.cacheReadWeight ?? 1;
  const failOpen = options.failOpen ?? false;
  const gate = { waitMs: options.gateWaitMs ?? 30_000, healSeconds: options.gateHealSeconds ?? 600 };
  const mayCount = options.countTokens !== false;

  return async function budgeted(ctx, next) {
    const budget = ctx.client?.budget;
    if (!budget || !ctx.client || ctx.json === undefined || !METERED_ROUTES.has(ctx.route)) return next();
    // Before anything (a token count included) is sent for a model the key may not use.
    assertMayUse(ctx);
    const window = budgetWindow(budget.window, Date.now());
    const key = `budget:${ctx.client.id}:${window.id}`;
    const policy: BucketPolicy = { capacity: budget.tokens, refillPerSecond: 0, ttlSeconds: window.seconds };
    const output = maxOutputTokens(ctx.route, ctx.json, fallbackOutput);
    const countable = mayCount && canCountTokens(ctx.route);
    const hidden = hidesInput(ctx.json);
    let reserved = estimateInputTokens(ctx.body?.byteLength ?? 0) + output;
    let release: (() => Promise<void>) | undefined;

    let result: TakeResult;
    try {
      // The provider's count replaces a byte estimate that cannot be trusted.
      const counted = hidden && countable ? await countInputTokens(ctx) : undefined;
      if (counted !== undefined) reserved = counted + output;
      const openEnded = outputCap(ctx.route, ctx.json) === undefined || (hidden && counted === undefined);
      if (openEnded) release = await enterGate(store!, ctx.client.id, gate, ctx.request.signal);
      result = await store!.take(key, reserved, policy);
      const near = !result.allowed || result.remaining < nearCap * budget.tokens;
      if (near && counted === undefined && countable) {
        const precise = await countInputTokens(ctx);
        if (precise !== undefined) result = await recount(precise + output);
      }
    } catch (error) {
      await release?.();
      if (error instanceof GatewayError) throw error;
      if (failOpen) {
        // Never silent: the client and the metrics see that this call's budget went unchecked.
        return mark(await next(), "x-sluice-budget", "unchecked");
      }
      throw new GatewayError(
        "state_unavailable",
        store
          ? "The budget store could not be reached, and this key has a token budget; try again shortly."
          : "This key has a token budget, but the gateway has no `stores.counters` to keep it in.",
        { headers: { "retry-after": "1" } },
      );
    }
    if (!result.allowed) {
      await release?.();
      throw exceeded(ctx, window, result.remaining, reserved);
    }

    /** Moves the reservation to the counted worst case; throws when a larger one does not fit. */
    async function recount(precise: number): Promise<TakeResult> {
      const was = reserved;
      if (result.allowed && precise < was) {
        reserved = precise;
        return store!.take(key, precise - was, policy, { force: true });
      }
      if (result.allowed && precise > was) {
        const more = await store!.take(key, precise - was, policy);
        if (!more.allowed) {
          await store!.take(key, -was, policy, { force: true });
          throw exceeded(ctx, window, more.remaining, precise);
        }
        reserved = precise;
        return more;
      }
      if (!result.allowed && precise < was) {
        reserved = precise;
        return store!.take(key, precise, policy);
      }
      return result;
    }

    const settle = (charge: number) =>
      store!
        .take(key, charge - reserved, policy, { force: true })
        .catch(() => {}) // unreachable store: the reservation stands (over-counts, never over-admits)
        .then(() => release?.());
    // A stream that would end without usage asks for it (see include-usage.ts).
    const asked = askForUsage(ctx.route, ctx.stream, ctx.json, ctx.body);
    if (asked) {
      ctx.body = asked.body;
      ctx.json = asked.json;
    }
    let response: Response;
    try {
      response = await next();
    } catch (error) {
      // Nothing reached the client: the whole reservation goes back.
      ctx.waitUntil(settle(0));
      throw error;
    }
    const hold: Reserved = { tokens: reserved, output };
    const status = response.status;
    ctx.waitUntil(ctx.completion.then((done) => settle(chargeFor(done, status, hold, weight))));
    if (asked && response.body && response.headers.get("content-type")?.includes("text/event-stream")) {
      response = new Response(response.body.pipeThrough(hideUsageChunk()), response);
    }
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
