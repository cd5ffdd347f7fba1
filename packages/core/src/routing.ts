/** Maps a request path to a provider endpoint: `/{provider}{basePath}{endpoint path}`. */
import type { Handler } from "./compose.js";
import { GatewayContext, type RequestContext } from "./context.js";
import type { ResolvedOptions } from "./options.js";
import { PROVIDERS } from "./providers/index.js";
import type { Endpoint, ProviderName, ProviderSpec } from "./providers/types.js";
import { errorResponse } from "./respond.js";

export type RouteMatch =
  | { ok: true; provider: ProviderSpec; endpoint: Endpoint; upstreamPath: string; model: string }
  | { ok: false; status: 404 | 405; provider?: ProviderSpec; allow?: string };

const ENCODED_SEPARATOR = /%(?:25)*(?:2f|5c)|\\/i;

export function matchRoute(pathname: string, method: string, options: ResolvedOptions): RouteMatch {
  // Mounted under a base path, nothing outside it is served ("/llmx" is not under "/llm").
  if (options.basePath && !pathname.startsWith(`${options.basePath}/`)) return { ok: false, status: 404 };
  const path = pathname.slice(options.basePath.length);
  const slash = path.indexOf("/", 1);
  const name = (slash < 0 ? path.slice(1) : path.slice(1, slash)) as ProviderName;
  const provider = Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined;
  if (!provider || options.providers[name]?.enabled === false) return { ok: false, status: 404 };
  // An encoded separator (`%2F`, `%5C`) or a backslash would let an allow-listed pattern's one segment
  // become several at an upstream that decodes them: such paths are refused, never normalized.
  if (ENCODED_SEPARATOR.test(path)) return { ok: false, status: 404, provider };
  const rest = slash < 0 ? "" : path.slice(slash);
  if (!rest.startsWith(provider.basePath)) return { ok: false, status: 404, provider };
  const upstreamPath = rest.slice(provider.basePath.length);
  const passthrough = options.providers[name]?.passthrough;
  const endpoints = passthrough
    ? [...provider.endpoints.filter((e) => e.kind === "json"), ...passthrough]
    : provider.endpoints;
  const allowed: string[] = [];
  for (const endpoint of endpoints) {
    const found = endpoint.pattern.exec(upstreamPath);
    if (!found) continue;
    if (endpoint.method !== method) {
      allowed.push(endpoint.method);
      continue;
    }
    return { ok: true, provider, endpoint, upstreamPath, model: decodeModel(found[1]) };
  }
  if (allowed.length > 0)
    return { ok: false, status: 405, provider, allow: [...new Set(allowed)].join(", ") };
  return { ok: false, status: 404, provider };
}

function decodeModel(segment: string | undefined): string {
  if (!segment) return "";
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The end of the front chain: a request on a provider route becomes a `GatewayContext` and goes through
 * `run` (the policy chain and the upstream); any other path is a 404, a wrong method a 405.
 */
export function providerRoutes(options: ResolvedOptions, run: Handler): Handler<RequestContext> {
  return async function routeToProvider({ request, url, execution }) {
    const match = matchRoute(url.pathname, request.method, options);
    if (match.ok) {
      const { provider, endpoint, upstreamPath, model } = match;
      return run(
        new GatewayContext(request, url, provider, endpoint, upstreamPath, options, execution, model),
      );
    }
    if (match.status === 405) {
      return errorResponse(
        match.provider,
        405,
        "method_not_allowed",
        `Use ${match.allow} for ${url.pathname}.`,
        {
          allow: match.allow ?? "",
        },
      );
    }
    return errorResponse(match.provider, 404, "not_found", `No route for ${request.method} ${url.pathname}.`);
  };
}
