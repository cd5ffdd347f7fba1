/**
 * The Worker entry points: `createWorker` for a Worker that is only Sluice, `createHandler` to mount Sluice
 * inside a Worker you already have. The gateway is built once per `env` (so core's in-isolate "denied until
 * T" memo and key hashes live across requests) and `ctx` is passed on so metrics and cache writes use
 * `waitUntil`.
 */
import { createGateway, type Gateway } from "@sluice/core";
import { configurationErrorResponse } from "@sluice/core/adapter";
import { type CloudflareOptions, gatewayOptionsFromEnv } from "./env.js";
import { housekeepingHandler, type SluiceScheduledHandler } from "./housekeeping.js";

export interface Built {
  gateway: Gateway;
  uploads?: (request: Request) => Promise<Response | undefined>;
  /** Whether the gateway has a usage store (the scheduled housekeeping has work only then). */
  usage: boolean;
}

export type SluiceHandler<E> = (request: Request, env: E, ctx: ExecutionContext) => Promise<Response>;

/** The gateway of an `env`, built on first use; throws the configuration error when it cannot be. */
function builder<E extends object>(options: CloudflareOptions<E>): (env: E) => Built {
  const built = new WeakMap<object, Built>();
  return (env) => {
    let entry = built.get(env);
    if (!entry) {
      const { options: gatewayOptions, uploads } = gatewayOptionsFromEnv(env, options);
      entry = { gateway: createGateway(gatewayOptions), uploads, usage: !!gatewayOptions.stores?.usage };
      built.set(env, entry);
    }
    return entry;
  };
}

function fetchHandler<E extends object>(
  build: (env: E) => Built,
  options: CloudflareOptions<E>,
): SluiceHandler<E> {
  return async (request, env, ctx) => {
    let entry: Built;
    try {
      entry = build(env);
    } catch (error) {
      const basePath = typeof options.gateway === "object" ? options.gateway.basePath : undefined;
      return configurationErrorResponse(request, error, { basePath });
    }
    if (entry.uploads) {
      const answer = await entry.uploads(request);
      if (answer) return answer;
    }
    return entry.gateway.fetch(request, ctx);
  };
}

/**
 * @example
 * const sluice = createHandler();
 * export default {
 *   fetch(request, env, ctx) {
 *     const url = new URL(request.url);
 *     return url.pathname.startsWith("/llm/") ? sluice(request, env, ctx) : app.fetch(request, env, ctx);
 *   },
 * };
 */
export function createHandler<E extends object = object>(
  options: CloudflareOptions<E> = {},
): SluiceHandler<E> {
  return fetchHandler(builder(options), options);
}

/**
 * A complete Worker: `export default createWorker()` plus `export { SluiceRateLimiter } from "@sluice/cloudflare"`.
 * Its `scheduled` handler runs the gateway's housekeeping (usage rollup and retention) on the Worker's cron
 * triggers (`triggers.crons` in wrangler config).
 *
 * @example
 * import { createWorker } from "@sluice/cloudflare";
 * export { SluiceRateLimiter } from "@sluice/cloudflare";
 * export default createWorker({ metrics: { successSampleRate: 0.1 } });
 */
export function createWorker<E extends object = object>(
  options: CloudflareOptions<E> = {},
): ExportedHandler<E> & { fetch: SluiceHandler<E>; scheduled: SluiceScheduledHandler<E> } {
  const build = builder(options);
  return { fetch: fetchHandler(build, options), scheduled: housekeepingHandler(build) };
}
