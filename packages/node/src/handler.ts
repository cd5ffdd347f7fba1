/**
 * Sluice for self-hosted Node: one handler per process, its stores in the Redis (or Valkey, or Redis Cluster)
 * every process shares. Node has no `waitUntil`, so work that outlives a response is kept and drained on
 * shutdown, as on Deno.
 */
import { createGateway, type EnvRecord, type HousekeepingReport } from "@sluice/core";
import { backgroundTasks } from "@sluice/core/adapter";
import { createClient } from "redis";
import { gatewayOptions, type NodeEnvOptions } from "./env.js";
import { type NodeRedisClient, nodeRedisCommands } from "./redis.js";

export interface NodeHandlerOptions extends NodeEnvOptions {
  /** Where settings and secrets are read from. Default `process.env`. */
  env?: EnvRecord;
  /**
   * A connected node-redis client or cluster (`createCluster`) for the stores. Default: one client for
   * `REDIS_URL` (`rediss://` for TLS), opened and closed by the handler; none when it is unset.
   */
  redis?: NodeRedisClient;
}

/** A fetch handler (`serve(handler)`) that also owns the work it left running and the Redis it opened. */
export interface NodeHandler {
  (request: Request): Promise<Response>;
  /** Resolves when every metric, cache write and usage row started so far is written. */
  drain(): Promise<void>;
  /** Background tasks still running. */
  readonly pending: number;
  /** Closes the Redis connection the handler opened (not one passed as `redis`); `drain()` first. */
  close(): Promise<void>;
  /**
   * One pass of `gateway.housekeeping()` (usage rollup and prune). With `lockMs` and Redis, it first takes the
   * lock `<prefix>housekeeping:lock` for that long (`SET NX PX`) and answers null when another process has it:
   * `serve()` calls it so on its schedule, and one of N processes runs each period. Absent when there is
   * nothing to keep (no usage store, and a counters store that expires its buckets itself).
   */
  housekeeping?(options?: { lockMs?: number }): Promise<HousekeepingReport | null>;
}

/**
 * Throws a `ConfigurationError` naming the fix when a setting needs Redis and there is none, before any
 * connection is opened.
 *
 * @example
 * const handler = createHandler(); // process.env; REDIS_URL → the shared stores
 * await serve(handler); // SIGTERM: stop accepting, finish in-flight calls and background work, close Redis
 */
export function createHandler({
  env = process.env,
  redis,
  ...options
}: NodeHandlerOptions = {}): NodeHandler {
  const lockKey = `${options.prefix ?? "sluice:"}housekeeping:lock`;
  const url = env.REDIS_URL?.trim();
  // No offline queue: while Redis is unreachable a command fails at once (a 503 in the provider's shape), where
  // node-redis would otherwise hold it until a reconnect that may never come.
  const own = !redis && url ? createClient({ url, disableOfflineQueue: true }) : undefined;
  const client = redis ?? own;
  const resolved = gatewayOptions(env, client && nodeRedisCommands(client), options);
  const gateway = createGateway(resolved);
  let ready: Promise<unknown> | undefined;
  if (own) {
    // Without a listener node-redis would crash the process on a dropped connection; it reconnects by itself.
    own.on("error", (error: Error) => console.error(`sluice: redis: ${error.message}`));
    // The first calls wait for the first connection attempt, and no longer: if it fails they go on and fail
    // fast, and node-redis keeps reconnecting in the background (connect() settles only once it succeeds).
    ready = new Promise((resolve) => {
      own.once("ready", resolve);
      own.once("error", resolve);
    });
    own.connect().catch(() => undefined); // already reported by the error listener
  }

  const background = backgroundTasks();
  const handler = (async (request: Request) => {
    if (ready) await ready;
    return gateway.fetch(request, background);
  }) as NodeHandler;
  handler.drain = () => background.drain();
  handler.close = async () => {
    if (!own?.isOpen) return;
    // A client still connecting has no connection to close gracefully: destroy() stops its reconnecting.
    if (own.isReady) await own.close();
    else own.destroy();
  };
  const keeps = !!(resolved.stores?.usage || resolved.stores?.counters?.prune);
  if (keeps)
    handler.housekeeping = async ({ lockMs } = {}) => {
      if (ready) await ready;
      if (client && lockMs !== undefined) {
        const owner = crypto.randomUUID();
        const lockOptions = {
          condition: "NX",
          expiration: { type: "PX", value: Math.ceil(lockMs) },
        } as const;
        if ((await client.set(lockKey, owner, lockOptions)) === null) return null;
      }
      return gateway.housekeeping();
    };
  Object.defineProperty(handler, "pending", { get: () => background.pending });
  return handler;
}
