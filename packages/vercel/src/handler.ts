/**
 * Sluice as a Vercel Function: a Next.js route handler or an `api/` function, on the Node.js runtime (Fluid
 * compute, the default) or on Edge. One gateway per instance, built on the first request.
 */
import { createGateway, type ExecutionContextLike, type Gateway, type GatewayOptions } from "@sluice/core";
import { configurationErrorResponse } from "@sluice/core/adapter";
import { waitUntil as vercelWaitUntil } from "@vercel/functions";
import { gatewayOptions } from "./env.js";
import type { UpstashKeyStoreOptions, UpstashRedis } from "@sluice/upstash";

/** What the handler needs from an `@upstash/redis` client (a `Redis` instance fits). */
export type UpstashClient = UpstashRedis;

export interface VercelHandlerOptions extends Partial<GatewayOptions> {
  /**
   * An Upstash Redis client (or a function returning one, called on the first request) that backs the
   * rate limiter and the response cache unless `stores` names others. `() => redisFromEnv(Redis)` builds
   * one when the Upstash variables are set and none when they are not.
   */
  redis?: UpstashClient | (() => UpstashClient | undefined);
  /**
   * Managed client keys (the admin API's `/_sluice/keys`, budgets) in the Upstash database. Default: on when
   * there is an Upstash client and the `SLUICE_ADMIN_KEY` secret is set; `false` turns them off; `true` (or
   * key-store options, e.g. `{ primaryLookups: true }`) needs Upstash. Keys in `SLUICE_KEYS` keep working beside
   * the managed ones. An explicit `clients.keys` wins.
   */
  managedKeys?: boolean | UpstashKeyStoreOptions;
  /**
   * Per-key usage counters (`GET /_sluice/usage`) in the Upstash database. Default: on when there is an Upstash
   * client and `SLUICE_ADMIN_KEY` is set; `false` turns them off; `true` needs Upstash. An explicit
   * `stores.usage` wins.
   */
  usage?: boolean;
  /** Replaces `waitUntil` from `@vercel/functions` (e.g. outside Vercel). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** A request handler that is also the set of Next.js route-handler exports. */
export type VercelHandler = ((request: Request) => Promise<Response>) &
  Record<
    "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS",
    (request: Request) => Promise<Response>
  >;

/** @deprecated The same type as `VercelHandler`: the handler is not Edge-only. */
export type EdgeHandler = VercelHandler;

/**
 * Sluice as a Vercel Function. On the Node.js runtime (the default, Fluid compute) one instance serves many
 * requests at once and shares the gateway; on Edge it works the same. Secrets come from `process.env`, read
 * on the first request and never at import time (so `next build` needs none); metrics and cache writes finish
 * after the response through `waitUntil` from `@vercel/functions`. A setting whose store is missing (e.g.
 * `SLUICE_RATE_LIMIT` without Upstash) answers every call with a 500 naming the fix, never runs unlimited.
 *
 * @example
 * ```ts
 * // app/[...path]/route.ts
 * import { createHandler, redisFromEnv } from "@sluice/vercel";
 * import { Redis } from "@upstash/redis";
 * export const runtime = "nodejs";
 * export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = createHandler({ redis: () => redisFromEnv(Redis) });
 * ```
 */
export function createHandler(options: VercelHandlerOptions = {}): VercelHandler {
  let gateway: Promise<Gateway> | undefined;
  const execution: ExecutionContextLike = {
    waitUntil: (promise) => (options.waitUntil ?? vercelWaitUntil)(promise),
  };
  const handle = async (request: Request): Promise<Response> => {
    gateway ??= gatewayOptions(options).then(createGateway);
    let ready: Gateway;
    try {
      ready = await gateway;
    } catch (error) {
      // A failed start is retried on the next request (the env may be fixed by then), not cached forever.
      gateway = undefined;
      return configurationErrorResponse(request, error, { basePath: options.basePath });
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

/** @deprecated Use `createHandler`: the same handler, which runs on the Node.js and Edge runtimes alike. */
export const createEdgeHandler = createHandler;
