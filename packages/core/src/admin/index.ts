/** The admin routes under `<basePath>/_sluice/`, all behind the admin key. */
import type { Middleware } from "../compose.js";
import type { RequestContext } from "../context.js";
import type { KeyStore } from "../ports/keys.js";
import type { RateLimitStore } from "../ports/rate-limit.js";
import type { SecretsPort } from "../ports/secrets.js";
import type { UsageStore } from "../ports/usage.js";
import { responseForThrown } from "../respond.js";
import { memoryRateLimitStore } from "../memory/rate-limit.js";
import { dashboardRoute, isDashboardPath } from "../dashboard/route.js";
import { ADMIN_SECRET, checkAdmin } from "./guard.js";
import { keysApi } from "./keys.js";
import { type AdminHost, type AdminMcpHandler, MCP_PATH } from "./mcp.js";
import { usageApi } from "./usage.js";

export interface AdminOptions {
  /** Secret holding the admin key. Default "SLUICE_ADMIN_KEY". */
  secretName?: string;
  /**
   * The caller's address, where the runtime vouches for it (Cloudflare: the `cf-connecting-ip` header), so
   * wrong admin keys are throttled per address. Default: one global count.
   */
  clientAddress?: (request: Request) => string | undefined;
  /** A remote MCP server at `/_sluice/mcp` behind the same admin key, e.g. `sluiceMcp()` from `@sluice/mcp`. */
  mcp?: AdminMcpHandler;
}

export interface AdminDeps {
  secrets: SecretsPort;
  keys: KeyStore | false;
  usage?: UsageStore;
  counters?: RateLimitStore;
  secretName?: string;
  clientAddress?: AdminOptions["clientAddress"];
  mcp?: AdminMcpHandler;
}

/** Answers the admin paths under `<basePath>/_sluice/`; every other request goes on down the chain. */
export function adminRoutes(deps: AdminDeps, basePath: string): Middleware<RequestContext> {
  const answer = adminAnswer(deps);
  return async function admin(ctx, next) {
    const { pathname } = ctx.url;
    if (!pathname.startsWith(`${basePath}/_sluice/`)) return next();
    return (await answer(ctx.request, pathname.slice(basePath.length), ctx.url)) ?? next();
  };
}

/** Answers an admin path (after the base path), or undefined when the path is not one of its routes. */
function adminAnswer(deps: AdminDeps) {
  // Wrong admin keys are counted in `stores.counters` when there is one (shared by every instance).
  const throttle = {
    store: deps.counters ?? memoryRateLimitStore(),
    clientAddress: deps.clientAddress,
  };
  const isKeysRoute = (path: string) => path === "/_sluice/keys" || path.startsWith("/_sluice/keys/");
  /** The REST routes, after the guard. */
  const rest = async (request: Request, path: string, url: URL): Promise<Response> => {
    try {
      if (isKeysRoute(path)) return await keysApi(request, path.slice("/_sluice/keys".length), deps.keys);
      return await usageApi(request, url, deps);
    } catch (error) {
      return responseForThrown(undefined, error);
    }
  };
  const host: AdminHost = {
    async call(path, init) {
      const url = new URL(path, "http://sluice.admin");
      if (!isKeysRoute(url.pathname) && url.pathname !== "/_sluice/usage")
        throw new TypeError(`No admin route ${url.pathname}.`);
      return rest(new Request(url, init), url.pathname, url);
    },
    usage: deps.usage,
  };
  return async function admin(request: Request, path: string, url: URL): Promise<Response | undefined> {
    if (isDashboardPath(path)) {
      // The dashboard's login goes through the same guard, so wrong keys are throttled the same way.
      const guard = (r: Request) => checkAdmin(r, deps.secrets, deps.secretName, throttle);
      return dashboardRoute(request, path, url, {
        ...deps,
        secretName: deps.secretName ?? ADMIN_SECRET,
        guard,
      });
    }
    const mcp = deps.mcp && path === MCP_PATH;
    if (!mcp && !isKeysRoute(path) && path !== "/_sluice/usage") return undefined;
    try {
      const refused = await checkAdmin(request, deps.secrets, deps.secretName, throttle);
      if (refused) return refused;
      if (mcp) return await deps.mcp!.handle(request, host);
      return await rest(request, path, url);
    } catch (error) {
      return responseForThrown(undefined, error);
    }
  };
}
