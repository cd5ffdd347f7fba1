import type { Middleware } from "../compose.js";
import type { RequestContext } from "../context.js";

export interface CorsOptions {
  /** Allowed origins, or "*" for any. */
  origins: string[] | "*";
  /** Extra request headers to allow beyond those the official SDKs send. */
  allowHeaders?: string[];
  /** Seconds a browser may cache the preflight. Default 600. */
  maxAge?: number;
}

/** What the official SDKs send: auth, versions and betas. */
const SDK_HEADERS = [
  "authorization",
  "content-type",
  "x-api-key",
  "x-goog-api-key",
  "x-goog-api-client",
  "anthropic-version",
  "anthropic-beta",
  "anthropic-dangerous-direct-browser-access",
  "openai-organization",
  "openai-project",
  "openai-beta",
];

const EXPOSE = "x-sluice-failure, x-sluice-cache, x-should-retry, retry-after, request-id, x-request-id";

function allowedOrigin(options: CorsOptions, origin: string | null): string | undefined {
  if (!origin) return undefined;
  if (options.origins === "*") return "*";
  return options.origins.includes(origin) ? origin : undefined;
}

/** Answers a CORS preflight, or returns undefined when the request is not one. */
function preflight(request: Request, options: CorsOptions): Response | undefined {
  if (request.method !== "OPTIONS" || !request.headers.has("access-control-request-method")) return undefined;
  const origin = allowedOrigin(options, request.headers.get("origin"));
  if (!origin) return new Response(null, { status: 403 });
  const asked = request.headers.get("access-control-request-headers");
  // The SDKs add x-stainless-* telemetry headers that change by version: echo what the browser asks for.
  const allowHeaders = asked ?? [...SDK_HEADERS, ...(options.allowHeaders ?? [])].join(", ");
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers": allowHeaders,
      "access-control-max-age": String(options.maxAge ?? 600),
      vary: "origin",
    },
  });
}

/**
 * The one place CORS headers are decided: whatever `access-control-*` the response carries (an upstream's,
 * a middleware's) is removed, then Sluice's own are set for an allowed origin.
 */
export function withCorsHeaders(response: Response, origin: string | null, options: CorsOptions): Response {
  const foreign = [...response.headers.keys()].filter((name) => name.startsWith("access-control-"));
  for (const name of foreign) response.headers.delete(name);
  const allowed = allowedOrigin(options, origin);
  if (allowed) {
    response.headers.set("access-control-allow-origin", allowed);
    response.headers.set("access-control-expose-headers", EXPOSE);
    response.headers.append("vary", "origin");
  }
  return response;
}

/**
 * Answers preflights, and adds CORS headers to every other response for an allowed origin (errors, /healthz,
 * admin and 404 included) so browsers can read them. First in the chain, so nothing answers around it.
 */
export function cors(options: CorsOptions): Middleware<RequestContext> {
  return async function corsHeaders(ctx, next) {
    const answer = preflight(ctx.request, options);
    if (answer) return answer;
    return withCorsHeaders(await next(), ctx.request.headers.get("origin"), options);
  };
}
