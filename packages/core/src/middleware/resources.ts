/**
 * The pass-through resource endpoints (Files, Message Batches, stored Responses) share one provider account
 * between every client key. This policy keeps tenants apart: a key needs a grant to use them at all, what
 * it creates is recorded as its own, and it can read, list or delete only what it owns. Batches are checked
 * against the key's model policy and reserve their worst case from its budget before they are forwarded.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../failures.js";
import type { ResourceGrant } from "../ports/keys.js";
import type { RateLimitStore } from "../ports/rate-limit.js";
import type { ResourceStore } from "../ports/resources.js";
import { estimateInputTokens, maxOutputTokens } from "../spend/estimate.js";
import { budgetWindow } from "../spend/window.js";

export interface ResourcePolicyOptions {
  /** Ownership records; without one, granted resource calls are refused (503) with the fix. */
  store?: ResourceStore;
  /** Where budgets live, for a batch's reservation. */
  budgets?: RateLimitStore;
}

/** Largest create or list answer read to record or filter ownership. */
const ANSWER_LIMIT = 4 * 1024 * 1024;
/** Output reserved per batch request that sets no `max_tokens` (Anthropic requires it; this is a floor). */
const BATCH_DEFAULT_OUTPUT = 4096;
const FAMILIES = new Set<string>(["files", "batches", "responses"]);
/** `/files`, `/files/<id>[/content]`, `/messages/batches/<id>[/results|/cancel]`, `/responses/<id>[/input_items]`. */
const RESOURCE_PATH = /\/(files|batches|responses)(?:\/([^/]+))?(\/[^/]+)?$/;

type Action = { kind: "create" | "list" } | { kind: "read" | "delete"; id: string };

function actionOf(ctx: GatewayContext): Action | undefined {
  const match = RESOURCE_PATH.exec(ctx.upstreamPath);
  if (!match) return undefined;
  const [, , rawId, tail] = match;
  if (!rawId) return { kind: ctx.request.method === "POST" ? "create" : "list" };
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    throw new GatewayError("bad_request", "The resource id in the path is not valid percent-encoding.");
  }
  return { kind: ctx.request.method === "DELETE" && !tail ? "delete" : "read", id };
}

const resourceKey = (ctx: GatewayContext, id: string) => `${ctx.provider.name}:${id}`;

/**
 * @example
 * createGateway({ ..., stores: { resources: memoryResourceStore() } }); // plus `grants` on the key records
 */
export function resourcePolicy({ store, budgets }: ResourcePolicyOptions): Middleware {
  return async function resources(ctx, next) {
    const family = ctx.endpoint.name;
    const storedResponse = ctx.route === "openai.responses" && ctx.endpoint.kind === "json";
    if (ctx.byok || (ctx.endpoint.kind !== "passthrough" && !storedResponse) || !FAMILIES.has(family))
      return next();
    const grants = ctx.client?.grants ?? [];
    const owner = ctx.client?.id ?? "*";
    if (storedResponse) {
      // Creating a response is an ordinary call; it is recorded only for keys that may read it back later.
      if (!store || !grants.includes("responses") || ctx.stream) return next();
      return claimFrom(ctx, store, owner, await next());
    }
    if (!grants.includes(family as ResourceGrant)) {
      throw new GatewayError(
        "forbidden",
        `This API key may not use ${ctx.provider.name} ${family}: the operator must grant it ("grants": ["${family}"] on the key, or staticKeyGrants for SLUICE_KEYS).`,
      );
    }
    if (!store) {
      throw new GatewayError(
        "state_unavailable",
        `${family} calls need an ownership store so one key cannot reach another's: the operator must pass stores.resources (memoryResourceStore() or the adapter's).`,
      );
    }
    const action = actionOf(ctx);
    if (!action) throw new GatewayError("not_found", `No ${family} route for ${ctx.upstreamPath}.`);
    if (action.kind === "read" || action.kind === "delete") {
      // Not owned and not found answer the same, so a key learns nothing about other keys' resources.
      if ((await store.owner(resourceKey(ctx, action.id))) !== owner)
        throw new GatewayError("not_found", `No ${family} object "${action.id}" for this API key.`);
      const response = await next();
      if (action.kind === "delete" && response.ok) await store.forget(resourceKey(ctx, action.id));
      return response;
    }
    if (action.kind === "list") return filterListing(ctx, store, owner, await next());
    if (family === "batches") await admitBatch(ctx, budgets);
    return claimFrom(ctx, store, owner, await next());
  };
}

/** Reads a (small) JSON answer whole; undefined when it is not one. */
async function readAnswer(response: Response): Promise<{ text: string; json: unknown } | undefined> {
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("json")) return undefined;
  const text = await response.text();
  if (text.length > ANSWER_LIMIT) return { text, json: undefined };
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}

/** Records the created resource as the caller's before the client sees its id. */
async function claimFrom(
  ctx: GatewayContext,
  store: ResourceStore,
  owner: string,
  response: Response,
): Promise<Response> {
  const answer = await readAnswer(response);
  if (!answer) return response;
  const id = (answer.json as { id?: unknown } | undefined)?.id;
  if (typeof id === "string" && id) {
    const recorded = await store.claim(resourceKey(ctx, id), owner);
    if (recorded !== owner) {
      throw new GatewayError("internal_error", "The provider returned an id already owned by another key.");
    }
  }
  return new Response(answer.text, { status: response.status, headers: response.headers });
}

/** A listing shows only the caller's own resources (pagination cursors stay the provider's). */
async function filterListing(
  ctx: GatewayContext,
  store: ResourceStore,
  owner: string,
  response: Response,
): Promise<Response> {
  const answer = await readAnswer(response);
  if (!answer) return response;
  const listing = answer.json as { data?: unknown } | undefined;
  if (!listing || !Array.isArray(listing.data)) {
    throw new GatewayError(
      "bad_upstream_response",
      `${ctx.provider.name} sent a listing Sluice could not read.`,
    );
  }
  const items = listing.data as { id?: unknown }[];
  const owners = await Promise.all(
    items.map((item) => (typeof item?.id === "string" ? store.owner(resourceKey(ctx, item.id)) : null)),
  );
  const mine = items.filter((_, i) => owners[i] === owner);
  const body = { ...listing, data: mine };
  if ("first_id" in body) body.first_id = mine[0]?.id ?? null;
  if ("last_id" in body) body.last_id = mine[mine.length - 1]?.id ?? null;
  return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
}

/**
 * A batch is refused unless every request in it names a model the key may use, and, for a key with a budget,
 * unless the budget covers the batch's worst case (input estimate plus `max_tokens` of every request), which
 * is reserved when the batch is created and never refunded: Sluice does not see the batch's results.
 */
async function admitBatch(ctx: GatewayContext, budgets: RateLimitStore | undefined): Promise<void> {
  const client = ctx.client;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(ctx.body ?? new Uint8Array()));
  } catch {
    throw new GatewayError("bad_request", "A batch must be a JSON body.");
  }
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw new GatewayError("bad_request", "A batch needs a `requests` array.");
  let worstCase = 0;
  for (const request of requests) {
    const params = (request as { params?: Record<string, unknown> } | null)?.params;
    const model = params?.model;
    if (typeof model !== "string")
      throw new GatewayError("bad_request", "Every batch request needs params.model.");
    if (client?.allowedModels && !client.allowedModels.includes(model)) {
      throw new GatewayError(
        "forbidden",
        `This API key may not use the model ${model} (in a batch request).`,
      );
    }
    worstCase +=
      estimateInputTokens(JSON.stringify(params).length) +
      maxOutputTokens("anthropic.messages", params, BATCH_DEFAULT_OUTPUT);
  }
  if (!client?.budget) return;
  if (!budgets) {
    throw new GatewayError(
      "state_unavailable",
      "This key's budget cannot be checked: no budget store is configured.",
    );
  }
  const window = budgetWindow(client.budget.window, Date.now());
  const taken = await budgets.take(`budget:${client.id}:${window.id}`, worstCase, {
    capacity: client.budget.tokens,
    refillPerSecond: 0,
    ttlSeconds: window.seconds,
  });
  if (!taken.allowed) {
    throw new GatewayError(
      "budget_exceeded",
      `This batch may use up to ${worstCase} tokens; the key's ${client.budget.window}ly budget has ${taken.remaining} left.`,
    );
  }
}
