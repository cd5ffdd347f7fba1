import type { ProviderName, UpstreamFetch } from "@sluice/core";
import { Backend, type BackendConfiguration } from "fastly:backend";
import type { AbortSignalLike } from "./abort.js";

/** What core puts in `init` beyond Fastly's RequestInit. */
interface CoreInitExtras {
  signal?: AbortSignalLike;
  redirect?: string;
}

/** Settings for dynamic backends, minus what Sluice derives from the URL. */
export type DynamicBackendSettings = Omit<BackendConfiguration, "name" | "target" | "hostOverride">;

export interface BackendOptions {
  /** Static backend per provider. Default: the provider's name (`anthropic`, `openai`, …). */
  providers?: Partial<Record<ProviderName, string>>;
  /**
   * Static backend per upstream host (`host` or `host:port` of a base URL). Wins over `providers`: use it
   * when a base URL points somewhere other than the provider (a corporate proxy, a regional endpoint).
   */
  hosts?: Record<string, string>;
  /**
   * Create a dynamic backend per upstream origin instead of using static ones, for every upstream not
   * named in `hosts` or `providers`. The service must allow dynamic backends (an account setting).
   */
  dynamic?: boolean | DynamicBackendSettings;
}

/** The name Sluice gives the dynamic backend for an origin: stable, and legal as a Fastly backend name. */
export function dynamicBackendName(url: URL): string {
  return `sluice_${url.protocol.replace(":", "")}_${url.host}`.replace(/[^A-Za-z0-9_]/g, "_");
}

/** Which backend an upstream request goes through: `hosts`, then `providers`, then dynamic or the provider's name. */
export function resolveBackend(
  url: URL,
  provider: ProviderName,
  options: BackendOptions,
): { name: string; dynamic: boolean } {
  const byHost = options.hosts?.[url.host] ?? options.hosts?.[url.hostname];
  if (byHost) return { name: byHost, dynamic: false };
  const byProvider = options.providers?.[provider];
  if (byProvider) return { name: byProvider, dynamic: false };
  if (options.dynamic) return { name: dynamicBackendName(url), dynamic: true };
  return { name: provider, dynamic: false };
}

/**
 * Core's `fetch` option for Fastly: every upstream request names its backend, so nothing relies on
 * implicit backends. Also honours core's abort signal (Fastly's `fetch` takes none): when core times out
 * or gives up, the pending call is abandoned and its promise rejects.
 *
 * @example
 * ```ts
 * createGateway({ secrets, upstream: { fetch: backendFetch({ providers: { anthropic: "claude" } }) } });
 * ```
 */
export function backendFetch(options: BackendOptions = {}): UpstreamFetch {
  const dynamicSettings = typeof options.dynamic === "object" ? options.dynamic : {};
  const created = new Map<string, Backend>();

  const backendFor = (url: URL, provider: ProviderName): string | Backend => {
    const { name, dynamic } = resolveBackend(url, provider, options);
    if (!dynamic) return name;
    let backend = created.get(name);
    if (!backend) {
      backend = Backend.exists(name)
        ? Backend.fromName(name)
        : new Backend({
            useSSL: url.protocol === "https:",
            ...(url.protocol === "https:" && {
              sniHostname: url.hostname,
              certificateHostname: url.hostname,
            }),
            ...dynamicSettings,
            name,
            target: url.host,
            hostOverride: url.hostname,
          });
      created.set(name, backend);
    }
    return backend;
  };

  return (url, init, provider) => {
    // Fastly's RequestInit has neither `signal` nor `redirect` (backend fetches never follow redirects).
    const { signal, redirect: _redirect, ...rest } = init as RequestInit & CoreInitExtras;
    const backend = backendFor(new URL(url), provider);
    const call = fetch(url, { ...rest, backend });
    return signal ? abortable(call, signal) : call;
  };
}

/** Settles with `call`, or rejects as soon as `signal` aborts (the call itself runs on unobserved). */
function abortable(call: Promise<Response>, signal: AbortSignalLike): Promise<Response> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      // A response that arrives after the abort is not read: release its body.
      call.then((late) => late.body?.cancel()).catch(() => {});
    };
    signal.addEventListener("abort", onAbort, { once: true });
    call.then(
      (response) => {
        signal.removeEventListener("abort", onAbort);
        resolve(response);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
