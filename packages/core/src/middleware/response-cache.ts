/**
 * Exact-match response cache for non-streamed calls. The key hashes everything that changes the answer:
 * method, provider, path, query, the behaviour-selecting headers the provider forwards (`anthropic-beta`,
 * `anthropic-version`, `openai-beta`…), the client scope and the exact body bytes. Scoped per client key
 * unless shared; bring-your-own-key calls are always scoped to their own key (Sluice never verified it, so
 * an invented key must not read what another key's call put there). Errors and `no-store` answers are never
 * cached; a client sending `cache-control: no-cache` bypasses it.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import type { CachePort } from "../ports/cache.js";
import { sha256Hex } from "../util/crypto.js";

export interface ResponseCacheOptions {
  store: CachePort;
  ttlSeconds: number;
  /** Share entries across client keys (only for answers that reveal nothing key-specific). */
  shared: boolean;
}

export const CACHE_HEADER = "x-sluice-cache";
const encoder = new TextEncoder();
const KEPT_HEADERS = ["content-type", "request-id", "x-request-id"];

export function responseCache({ store, ttlSeconds, shared }: ResponseCacheOptions): Middleware {
  return async function cached(ctx, next) {
    if (!ctx.endpoint.cacheable || ctx.stream || !ctx.body) return next();
    const bypass = /no-cache|no-store/i.test(ctx.request.headers.get("cache-control") ?? "");
    const key = `sluice:cache:${await sha256Hex(join(describe(ctx, shared), ctx.body))}`;
    if (!bypass) {
      const hit = await store.get(key).catch(() => null);
      const response = hit && decode(hit);
      if (response) {
        ctx.cache = "HIT";
        return response;
      }
    }
    const response = await next();
    ctx.cache = "MISS";
    response.headers.set(CACHE_HEADER, bypass ? "BYPASS" : "MISS");
    const noStore = /no-store|private/i.test(response.headers.get("cache-control") ?? "");
    if (response.status === 200 && !noStore && !ctx.failure) {
      ctx.waitUntil(
        ctx.completion.then((result) => {
          if (result.body && !result.failure)
            return store.set(key, encode(response.headers, result.body), ttlSeconds);
        }),
      );
    }
    return response;
  };
}

/** Everything but the body that selects the answer, one field per line (JSON-quoted: no field can fake another). */
function describe(ctx: GatewayContext, shared: boolean): string {
  const scope = ctx.byok ? `byok:${ctx.client?.hash ?? ""}` : shared ? "*" : (ctx.client?.id ?? "*");
  const names = ["accept", ...(ctx.provider.headers?.request.names ?? [])];
  const headers = names.map((name) => [name, ctx.request.headers.get(name)]);
  const fields = [ctx.request.method, ctx.provider.name, ctx.upstreamPath, ctx.url.search, scope, headers];
  return `${JSON.stringify(fields)}\n`;
}

function join(prefix: string, body: Uint8Array): Uint8Array {
  const head = encoder.encode(prefix);
  const out = new Uint8Array(head.byteLength + body.byteLength);
  out.set(head);
  out.set(body, head.byteLength);
  return out;
}

/** Entry layout: one JSON line of headers, then the body bytes as the upstream sent them. */
function encode(headers: Headers, body: Uint8Array): Uint8Array {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers.get(name);
    if (value) kept[name] = value;
  }
  return join(`${JSON.stringify(kept)}\n`, body);
}

function decode(entry: Uint8Array): Response | undefined {
  const newline = entry.indexOf(10);
  if (newline < 0) return undefined;
  try {
    const headers = new Headers(JSON.parse(new TextDecoder().decode(entry.subarray(0, newline))));
    headers.set(CACHE_HEADER, "HIT");
    return new Response(entry.slice(newline + 1), { status: 200, headers });
  } catch {
    return undefined;
  }
}
