/**
 * Fastly's `fetch`, as far as backends go: a request must name its backend, and it is sent to that
 * backend's target whatever host the URL names (the URL only sets the path and the Host header).
 * The connection itself is Node's fetch.
 */
import { targetOf } from "./backend.js";
import { fastlyState } from "./state.js";

const nodeFetch = globalThis.fetch;

export const fastlyFetch: typeof fetch = async (input, init) => {
  const {
    backend,
    cacheOverride: _c,
    cacheKey: _k,
    fastly: _f,
    manualFramingHeaders: _m,
    ...rest
  } = init ?? {};
  if (backend === undefined)
    throw new TypeError("fetch: no backend named (this stand-in allows no implicit backends)");
  const name = typeof backend === "string" ? backend : backend.name;
  const target = targetOf(name);
  if (!target) throw new TypeError(`fetch: Requested backend named '${name}' does not exist`);
  const url = new URL(input instanceof Request ? input.url : String(input));
  const connected = new URL(
    url.pathname + url.search,
    `${target.useSSL ? "https" : "http"}://${target.target}`,
  );
  fastlyState.fetches.push({ url: url.toString(), backend: name, connectedTo: connected.origin });
  return nodeFetch(connected, rest as never) as unknown as Promise<Response>;
};
