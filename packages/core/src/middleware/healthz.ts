import type { Middleware } from "../compose.js";
import type { RequestContext } from "../context.js";
import { json } from "../respond.js";

/** `GET <basePath>/healthz` (any method): a liveness probe that touches no store and needs no key. */
export function healthz(basePath: string): Middleware<RequestContext> {
  const path = `${basePath}/healthz`;
  return async function healthCheck(ctx, next) {
    return ctx.url.pathname === path ? json({ status: "ok" }) : next();
  };
}
