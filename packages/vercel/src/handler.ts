import {
  ADMIN_SECRET,
  createGateway,
  FAILURE_HEADER,
  type ExecutionContextLike,
  type Gateway,
  type GatewayOptions,
  PROVIDERS,
  type ProviderName,
  type ProviderOptions,
  staticKeys,
} from "@sluice/core";
import { waitUntil as vercelWaitUntil } from "@vercel/functions";
import { jsonLogSink } from "./log-sink.js";
import { envSecrets } from "./secrets.js";
import { type CacheCommands, upstashCache } from "./upstash/cache.js";
import { type KeyStoreCommands, type UpstashKeyStoreOptions, upstashKeyStore } from "./upstash/keys.js";
import { type ScriptRunner, upstashRateLimitStore } from "./upstash/rate-limit.js";
import { type UsageCommands, upstashUsageStore } from "./upstash/usage.js";
import { withStaticKeys } from "./with-static-keys.js";

/** What the handler needs from an `@upstash/redis` client (a `Redis` instance fits). */
export type UpstashClient = ScriptRunner & CacheCommands & KeyStoreCommands & UsageCommands;

export interface VercelHandlerOptions extends Partial<GatewayOptions> {
  /**
   * An Upstash Redis client (or a function returning one, called on the first request) that backs the
   * rate limiter and the response cache unless `stores` names others.
   */
  redis?: UpstashClient | (() => UpstashClient | undefined);
  /**
   * Managed client keys (the admin API's `/_sluice/keys`, budgets) and per-key usage counters
   * (`/_sluice/usage`) in the Upstash database. Default: on when there is an Upstash client and the
   * `SLUICE_ADMIN_KEY` secret is set. Keys in `SLUICE_KEYS` keep working beside the managed ones.
   * An object turns them on with those key-store options (e.g. `{ primaryLookups: true }`).
   * An explicit `keys` or `stores.usage` wins over this.
   */
  managedKeys?: boolean | UpstashKeyStoreOptions;
  /** Replaces `waitUntil` from `@vercel/functions` (e.g. outside Vercel). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** A request handler that is also the set of Next.js route-handler exports. */
export type EdgeHandler = ((request: Request) => Promise<Response>) &
  Record<
    "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS",
    (request: Request) => Promise<Response>
  >;

/** Provider base URLs from `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`, … where set, over the given ones. */
async function providersFromEnv(
  secrets: GatewayOptions["secrets"],
  given: GatewayOptions["providers"] = {},
): Promise<Partial<Record<ProviderName, ProviderOptions>>> {
  const providers: Partial<Record<ProviderName, ProviderOptions>> = { ...given };
  for (const name of Object.keys(PROVIDERS) as ProviderName[]) {
    const baseUrl = await secrets.get(`${name.toUpperCase()}_BASE_URL`);
    if (baseUrl && !given[name]?.baseUrl) providers[name] = { ...given[name], baseUrl };
  }
  return providers;
}

/** Builds the gateway options from what was passed and what the environment says, once, on first use. */
async function resolve(options: VercelHandlerOptions): Promise<GatewayOptions> {
  const { redis, waitUntil: _ignored, managedKeys, ...rest } = options;
  const secrets = rest.secrets ?? envSecrets();
  const client = typeof redis === "function" ? redis() : redis;
  const stores = { ...rest.stores };
  let keys = rest.keys;
  if (client) {
    stores.rateLimit ??= upstashRateLimitStore(client);
    stores.cache ??= upstashCache(client);
    const adminSecret = (typeof rest.admin === "object" && rest.admin.secretName) || ADMIN_SECRET;
    if (managedKeys ?? (rest.admin !== false && !!(await secrets.get(adminSecret)))) {
      const keyOptions = typeof managedKeys === "object" ? managedKeys : {};
      keys ??= withStaticKeys(upstashKeyStore(client, keyOptions), staticKeys(secrets));
      stores.usage ??= upstashUsageStore(client);
    }
  }
  // The environment fills only what the code left unset, and only where a store makes it possible.
  const envRate = await secrets.get("SLUICE_RATE_LIMIT");
  const envCacheTtl = Number((await secrets.get("SLUICE_CACHE_TTL")) ?? "");
  return {
    ...rest,
    secrets,
    stores,
    keys,
    providers: await providersFromEnv(secrets, rest.providers),
    rateLimit: rest.rateLimit ?? (envRate && stores.rateLimit ? envRate : undefined),
    cache: rest.cache ?? (envCacheTtl > 0 && stores.cache ? { ttlSeconds: envCacheTtl } : undefined),
    metrics: rest.metrics ?? jsonLogSink(),
  };
}

/** The client gets a JSON 500 without details (they could name config); the function log gets the reason. */
function misconfigured(error: unknown): Response {
  console.error(
    `sluice: the gateway could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  return Response.json(
    {
      type: "error",
      error: { type: "api_error", message: "The gateway is misconfigured; see the function logs." },
    },
    { status: 500, headers: { [FAILURE_HEADER]: "internal_error" } },
  );
}

/**
 * Sluice as a Vercel Edge Function (or a Next.js route handler with `runtime = "edge"`). Secrets come from
 * `process.env`; metrics and cache writes finish after the response through `waitUntil`.
 *
 * @example
 * ```ts
 * // api/[...path].ts
 * import { Redis } from "@upstash/redis";
 * import { createEdgeHandler } from "@sluice/vercel";
 * export const config = { runtime: "edge" };
 * export default createEdgeHandler({ basePath: "/api", redis: () => Redis.fromEnv() });
 * ```
 */
export function createEdgeHandler(options: VercelHandlerOptions = {}): EdgeHandler {
  let gateway: Promise<Gateway> | undefined;
  const execution: ExecutionContextLike = {
    waitUntil: (promise) => (options.waitUntil ?? vercelWaitUntil)(promise),
  };
  const handle = async (request: Request): Promise<Response> => {
    gateway ??= resolve(options).then(createGateway);
    let ready: Gateway;
    try {
      ready = await gateway;
    } catch (error) {
      // A failed start (bad option, missing env) is retried on the next request, not cached forever.
      gateway = undefined;
      return misconfigured(error);
    }
    return ready.fetch(request, execution);
  };
  return Object.assign(handle, {
    GET: handle,
    POST: handle,
    PUT: handle,
    PATCH: handle,
    DELETE: handle,
    HEAD: handle,
    OPTIONS: handle,
  });
}
