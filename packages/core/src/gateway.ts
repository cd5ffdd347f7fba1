/**
 * `createGateway(options)` builds a fetch handler that any runtime can serve and any framework can mount.
 */
import { adminRoutes } from "./admin/index.js";
import { compose, type Middleware } from "./compose.js";
import type { ExecutionContextLike, RequestContext } from "./context.js";
import { auth } from "./middleware/auth.js";
import { readBody } from "./middleware/body.js";
import { cors } from "./middleware/cors.js";
import { healthz } from "./middleware/healthz.js";
import { staticKeys } from "./middleware/keys.js";
import { metrics } from "./middleware/metrics.js";
import { promptCacheTelemetry } from "./middleware/prompt-cache.js";
import { DEFAULT_PRICING } from "./middleware/pricing.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { tokenLeases } from "./middleware/rate-limit-lease.js";
import { recover } from "./middleware/recover.js";
import { resourcePolicy } from "./middleware/resources.js";
import { responseCache } from "./middleware/response-cache.js";
import { type GatewayOptions, resolveOptions } from "./options.js";
import { responseForThrown } from "./respond.js";
import { providerRoutes } from "./routing.js";
import { checkedRetention, type HousekeepingReport, housekeeping } from "./housekeeping.js";
import { forwardUpstream } from "./upstream/forward.js";
import { budgets } from "./spend/budget.js";
import { usageCounter } from "./spend/usage-counter.js";
import { parseRate } from "./util/time.js";

export interface Gateway {
  /** Handles one request. Pass the runtime's execution context so metrics and cache writes finish after the response. */
  fetch(request: Request, execution?: ExecutionContextLike): Promise<Response>;
  /** One pass of `housekeeping()` over this gateway's stores, with its `retention`: call it from a scheduler. */
  housekeeping(now?: number): Promise<HousekeepingReport>;
}

/**
 * @example
 * const gateway = createGateway({ secrets: { get: (name) => env[name] } });
 * export default { fetch: (request, env, ctx) => gateway.fetch(request, ctx) };
 */
export function createGateway(options: GatewayOptions): Gateway {
  const resolved = resolveOptions(options);
  const { stores } = resolved;
  const clients = options.clients ?? {};
  const limits = options.limits ?? {};
  const keys =
    clients.keys === undefined
      ? staticKeys(resolved.secrets, "SLUICE_KEYS", clients.staticKeyGrants)
      : clients.keys;
  const rule = typeof limits.rate === "string" ? parseRate(limits.rate) : limits.rate || undefined;

  if (options.retention) checkedRetention(options.retention); // a wrong retention fails at start, not at 3 a.m.
  const pricing = { ...DEFAULT_PRICING, ...options.pricing };
  const manageable = keys ? !!keys.put : false;
  const adminOn = options.admin ?? (manageable || !!stores.usage);
  const admin = adminOn
    ? adminRoutes(
        {
          secrets: resolved.secrets,
          keys,
          usage: stores.usage,
          counters: stores.counters,
          secretName: typeof options.admin === "object" ? options.admin.secretName : undefined,
          clientAddress: typeof options.admin === "object" ? options.admin.clientAddress : undefined,
          mcp: typeof options.admin === "object" ? options.admin.mcp : undefined,
        },
        resolved.basePath,
      )
    : undefined;

  const chain: Middleware[] = [];
  if (resolved.metrics.length > 0) chain.push(metrics(resolved.metrics, pricing));
  if (stores.usage) chain.push(usageCounter(stores.usage, pricing));
  chain.push(recover);
  chain.push(auth({ keys, byok: resolved.byok }), readBody(resolved.maxBodyBytes));
  chain.push(resourcePolicy({ store: stores.resources, budgets: stores.counters }));
  if (stores.counters) {
    const store = stores.counters;
    // Leasing is on unless turned off (or the store cannot take a cost exactly): `"auto"` leases a key only
    // once its calls pile up behind the store.
    const leases =
      limits.lease === false || store.exactCosts === false
        ? undefined
        : tokenLeases(store, limits.lease ?? { size: "auto" });
    chain.push(rateLimit({ store, leases, limit: rule, failOpen: resolved.failOpen }));
  }
  chain.push(...(options.middleware ?? []));
  if (options.cache && stores.cache) {
    chain.push(
      responseCache({
        store: stores.cache,
        ttlSeconds: options.cache.ttlSeconds ?? 300,
        shared: !!options.cache.shared,
      }),
    );
  }
  // After the response cache, so a hit spends no budget and the reservation is as close to the upstream as it gets.
  chain.push(budgets(stores.counters, { ...limits.budgets, failOpen: resolved.failOpen }));
  // Innermost, so every middleware above reads the completion it checks.
  chain.push(promptCacheTelemetry());
  const run = compose(chain, forwardUpstream);

  // The front of the chain answers what is not a provider call; CORS wraps it all, preflights included.
  const front: Middleware<RequestContext>[] = [];
  if (options.cors) front.push(cors(options.cors));
  front.push(healthz(resolved.basePath));
  if (admin) front.push(admin);
  const handle = compose(front, providerRoutes(resolved, run));

  return {
    housekeeping: (now) => housekeeping(stores, options.retention, now),
    async fetch(request, execution) {
      try {
        return await handle({ request, url: new URL(request.url), execution });
      } catch (error) {
        return responseForThrown(undefined, error);
      }
    },
  };
}
