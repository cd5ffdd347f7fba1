import { createGateway, type SecretsPort } from "@sluice/core";
import { type EnvLike, envSecrets, optionsFromEnv } from "./env.ts";
import { kvCache } from "./kv-cache.ts";
import { kvRateLimitStore } from "./kv-rate-limit.ts";
import type { KvLike } from "./kv-types.ts";
import { logMetrics } from "./log-metrics.ts";

type CoreOptions = Parameters<typeof createGateway>[0];

export interface DenoHandlerOptions extends Omit<CoreOptions, "secrets"> {
  /** Default: `envSecrets()`, i.e. `Deno.env`. */
  secrets?: SecretsPort;
  /** Where `*_BASE_URL`, `SLUICE_RATE_LIMIT` and `SLUICE_CACHE_TTL` are read from. Default `Deno.env`. */
  env?: EnvLike;
  /** A Deno KV handle; with it, rate limits and the response cache live in KV (unless `stores` says otherwise). */
  kv?: KvLike;
}

/** A `Deno.serve` handler that can also wait for the work it left running after responses. */
export interface DenoHandler {
  (request: Request, info?: unknown): Promise<Response>;
  /** Resolves when every metric write and cache write started so far has finished. */
  drain(): Promise<void>;
  /** Background tasks still running. */
  readonly pending: number;
}

function denoEnv(): EnvLike | undefined {
  return (globalThis as { Deno?: { env: EnvLike } }).Deno?.env;
}

/**
 * Builds Sluice for `Deno.serve` / `deno serve`. Deno.serve has no `waitUntil`, and Deno Deploy offers none
 * either (it runs a plain Deno process and stops it once traffic stops), so work that outlives a response
 * (metrics, cache writes) is kept here: it keeps running on the event loop, and `drain()` awaits it before a
 * shutdown. Explicit options win over the environment.
 *
 * @example
 * const kv = await Deno.openKv();
 * const handler = createHandler({ kv });
 * Deno.serve(handler);
 */
export function createHandler(options: DenoHandlerOptions = {}): DenoHandler {
  const { env: envOption, kv, secrets, ...rest } = options;
  const env = envOption ?? denoEnv() ?? { get: () => undefined };
  const fromEnv = optionsFromEnv(env);
  const gateway = createGateway({
    ...rest,
    secrets: secrets ?? envSecrets(env),
    providers: { ...fromEnv.providers, ...rest.providers },
    rateLimit: rest.rateLimit ?? fromEnv.rateLimit,
    cache: rest.cache ?? (fromEnv.cacheTtlSeconds ? { ttlSeconds: fromEnv.cacheTtlSeconds } : false),
    stores: {
      ...(kv ? { rateLimit: kvRateLimitStore(kv), cache: kvCache(kv) } : {}),
      ...rest.stores,
    },
    metrics: rest.metrics ?? logMetrics(),
  });

  const running = new Set<Promise<unknown>>();
  const execution = {
    waitUntil(promise: Promise<unknown>) {
      const tracked = promise.catch(() => {}).finally(() => running.delete(tracked));
      running.add(tracked);
    },
  };
  const handler = ((request: Request) => gateway.fetch(request, execution)) as DenoHandler;
  handler.drain = async () => {
    while (running.size > 0) await Promise.all([...running]);
  };
  Object.defineProperty(handler, "pending", { get: () => running.size });
  return handler;
}
