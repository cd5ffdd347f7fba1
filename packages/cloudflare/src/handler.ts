/**
 * The Worker entry points: `createWorker` for a Worker that is only Sluice, `createHandler` to mount Sluice
 * inside a Worker you already have. The gateway is built once per `env` (so core's in-isolate "denied until
 * T" memo and key hashes live across requests) and `ctx` is passed on so metrics and cache writes use
 * `waitUntil`.
 */
import { createGateway, type Gateway } from "@sluice/core";
import { configurationErrorResponse } from "@sluice/core/adapter";
import { type CloudflareOptions, gatewayOptionsFromEnv } from "./env.js";

interface Built {
  gateway: Gateway;
  uploads?: (request: Request) => Promise<Response | undefined>;
}

export type SluiceHandler<E> = (request: Request, env: E, ctx: ExecutionContext) => Promise<Response>;

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
  const built = new WeakMap<object, Built>();
  return async (request, env, ctx) => {
    let entry = built.get(env);
    if (!entry) {
      try {
        const { options: gatewayOptions, uploads } = gatewayOptionsFromEnv(env, options);
        entry = { gateway: createGateway(gatewayOptions), uploads };
      } catch (error) {
        const basePath = typeof options.gateway === "object" ? options.gateway.basePath : undefined;
        return configurationErrorResponse(request, error, { basePath });
      }
      built.set(env, entry);
    }
    if (entry.uploads) {
      const answer = await entry.uploads(request);
      if (answer) return answer;
    }
    return entry.gateway.fetch(request, ctx);
  };
}

/**
 * A complete Worker: `export default createWorker()` plus `export { SluiceRateLimiter } from "@sluice/cloudflare"`.
 *
 * @example
 * import { createWorker } from "@sluice/cloudflare";
 * export { SluiceRateLimiter } from "@sluice/cloudflare";
 * export default createWorker({ metrics: { successSampleRate: 0.1 } });
 */
export function createWorker<E extends object = object>(
  options: CloudflareOptions<E> = {},
): ExportedHandler<E> & { fetch: SluiceHandler<E> } {
  return { fetch: createHandler(options) };
}
