/**
 * The provider's own input-token count, asked near the budget cap, for providers whose file says how
 * (`countTokens`); for the others the estimate stands. Sent through `ctx.fetchUpstream`, so it takes a
 * fan-out slot like any upstream request.
 */
import type { GatewayContext } from "../context.js";
import { endpointOf } from "../providers/index.js";
import { upstreamRequestHeaders } from "../upstream/headers.js";

const COUNT_TIMEOUT_MS = 10_000;

/** Whether the route's provider counts its input tokens (a `countable` endpoint with `countTokens`). */
export function canCountTokens(route: string): boolean {
  const found = endpointOf(route);
  return !!found?.endpoint.countable && !!found.provider.countTokens;
}

/** The counted input tokens, or undefined when the provider cannot count or the count failed. */
export async function countInputTokens(ctx: GatewayContext): Promise<number | undefined> {
  const json = ctx.json as Record<string, unknown> | undefined;
  const counter = ctx.provider.countTokens;
  if (!json || !ctx.providerKey || !counter || !canCountTokens(ctx.route)) return undefined;
  const base = (ctx.options.providers[ctx.provider.name]?.baseUrl ?? ctx.provider.defaultBaseUrl).replace(
    /\/$/,
    "",
  );
  const { path, body } = counter.request(json, ctx.model, ctx.upstreamPath);
  const url = new URL(base + path);
  const headers = upstreamRequestHeaders(ctx.request.headers, ctx.provider);
  headers.set("content-type", "application/json");
  ctx.provider.applyUpstreamAuth(headers, url, ctx.providerKey);
  const control = new AbortController();
  const timer = setTimeout(() => control.abort(), COUNT_TIMEOUT_MS);
  try {
    const response = await ctx.fetchUpstream(url.toString(), {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: control.signal,
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
    const count = counter.read((await response.json()) as Record<string, unknown>);
    return typeof count === "number" && Number.isFinite(count) && count >= 0 ? count : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
