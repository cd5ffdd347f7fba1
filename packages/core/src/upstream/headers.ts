/**
 * Which headers cross the gateway, in each direction: explicit allow-lists, the provider's own (in its spec
 * file) over a short common list. Hop-by-hop headers, `expect`, cookies, the client's network identity,
 * credentials and account selectors never cross; CORS headers are Sluice's own (set in `middleware/cors.ts`).
 */
import { PROVIDER_LIST } from "../providers/index.js";
import type { HeaderAllowList, ProviderSpec } from "../providers/types.js";

/** What any provider may receive: content negotiation and the official SDKs' `x-stainless-*` telemetry. */
const COMMON_REQUEST: HeaderAllowList = {
  names: ["content-type", "accept", "accept-language", "user-agent", "idempotency-key"],
  prefixes: ["x-stainless-"],
};

/**
 * Custom `x-` headers (tracing, test harnesses such as the fake upstream's `x-fake-*`) are forwarded only
 * outside these namespaces: every provider's (`x-<name>-`), every platform's, credentials, client identity
 * and the method/URL overrides some proxies honour.
 */
const RESERVED_PREFIXES = [
  "x-api-",
  "x-auth",
  "x-goog-",
  "x-amz-",
  "x-ms-",
  ...PROVIDER_LIST.map((p) => `x-${p.name}-`),
  "x-sluice-",
  "x-forwarded-",
  "x-real-",
  "x-client-",
  "x-cluster-",
  "x-original-",
  "x-rewrite-",
  "x-http-",
  "x-host",
  "x-vercel-",
  "x-middleware-",
  "x-nf-",
  "x-envoy-",
  "x-csrf",
  "x-xsrf",
];

/** What any provider may send back: content framing the runtime does not recompute, and retry advice. */
const COMMON_RESPONSE: HeaderAllowList = {
  names: [
    "content-type",
    "content-disposition",
    "cache-control",
    "etag",
    "last-modified",
    "retry-after",
    "retry-after-ms",
    "x-should-retry",
  ],
};

const allows = (list: HeaderAllowList | undefined, name: string): boolean =>
  !!list && (list.names.includes(name) || !!list.prefixes?.some((p) => name.startsWith(p)));

/** Whether a client request header may be sent upstream to `provider` (names are lower case). */
export function forwardsRequestHeader(provider: ProviderSpec, name: string): boolean {
  if (allows(COMMON_REQUEST, name) || allows(provider.headers?.request, name)) return true;
  return name.startsWith("x-") && !RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

/** The credentials a client may have sent (its Sluice key, or its own provider key), read from its headers. */
function presentedCredentials(incoming: Headers): string[] {
  const bearer = /^Bearer\s+(.+)$/i.exec(incoming.get("authorization") ?? "")?.[1]?.trim();
  return [bearer, incoming.get("x-api-key"), incoming.get("x-goog-api-key")].filter(
    (c): c is string => !!c && c.length >= 8,
  );
}

/**
 * The headers sent upstream: the allow-listed ones only, and none whose value repeats the client's own
 * credential (it is never the provider's business). The provider key is added by the provider spec.
 */
export function upstreamRequestHeaders(incoming: Headers, provider: ProviderSpec): Headers {
  const out = new Headers();
  const credentials = presentedCredentials(incoming);
  incoming.forEach((value, name) => {
    if (!forwardsRequestHeader(provider, name)) return;
    if (credentials.some((c) => value.includes(c))) return;
    out.set(name, value);
  });
  return out;
}

/**
 * The upstream's headers the client sees: the allow-listed ones, minus any whose value holds a secret
 * (`scrub` says which); the provider's account headers (rate-limit state) only when `account` says the
 * caller may see them. Framing is the runtime's; `access-control-*` is Sluice's CORS policy, never the
 * upstream's. Each header passed on costs CPU in workerd (~2 µs, bench/README.md), so the lists stay short.
 */
export function clientResponseHeaders(
  upstream: Headers,
  sse: boolean,
  provider?: ProviderSpec,
  holdsSecret: (value: string) => boolean = () => false,
  account = false,
): Headers {
  const out = new Headers();
  const lists = provider?.headers;
  upstream.forEach((value, name) => {
    // An account header is one whatever other list also names it.
    if (allows(lists?.account, name)) {
      if (!account) return;
    } else if (!allows(COMMON_RESPONSE, name) && !allows(lists?.response, name)) return;
    if (holdsSecret(value)) return;
    out.set(name, value);
  });
  if (sse) {
    out.set("content-type", "text/event-stream; charset=utf-8");
    out.set("cache-control", "no-cache");
  }
  return out;
}
