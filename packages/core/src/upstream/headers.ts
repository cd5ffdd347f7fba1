/** Which headers cross the gateway, in each direction. */

/** Never forwarded upstream: hop-by-hop, the client's network identity, cookies, Sluice's own controls. */
const REQUEST_DROP = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "accept-encoding",
  "cookie",
  "forwarded",
  "x-real-ip",
  "true-client-ip",
  "origin",
  "referer",
]);
const REQUEST_DROP_PREFIXES = ["cf-", "x-forwarded-", "x-sluice-", "x-vercel-", "fastly-", "sec-"];

export function upstreamRequestHeaders(incoming: Headers): Headers {
  const out = new Headers();
  incoming.forEach((value, name) => {
    if (REQUEST_DROP.has(name) || REQUEST_DROP_PREFIXES.some((p) => name.startsWith(p))) return;
    out.set(name, value);
  });
  return out;
}

/**
 * Never passed back to the client: hop-by-hop, framing the runtime recomputes (the body may have been
 * decompressed by `fetch`), cookies set for the provider's domain, and the operator's account identity.
 */
const RESPONSE_DROP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
  "set-cookie",
  "alt-svc",
  "anthropic-organization-id",
  "openai-organization",
  "openai-project",
  "server",
  "via",
  "cf-ray",
  "cf-cache-status",
]);

export function clientResponseHeaders(upstream: Headers, sse: boolean): Headers {
  const out = new Headers();
  upstream.forEach((value, name) => {
    if (!RESPONSE_DROP.has(name)) out.set(name, value);
  });
  if (sse) {
    out.set("content-type", "text/event-stream; charset=utf-8");
    out.set("cache-control", "no-cache");
  }
  return out;
}
