/**
 * The gateway from the environment, with its Redis connection: `REDIS_URL` set → one node-redis client
 * (Redis or Valkey; `rediss://` for TLS) shared by every store; unset → a proxy without shared state, and a
 * startup error for any setting that needs it.
 */
import { createGateway, type EnvRecord, type Gateway, type GatewayOptions } from "@sluice/core";
import { createClient } from "redis";
import { nodeOptionsFromEnv } from "./env.js";
import { nodeRedisCommands } from "./redis.js";

export interface NodeGatewayOptions {
  /** Options over the ones the environment gives (middleware, basePath, …). */
  gateway?: Partial<GatewayOptions>;
  /** Prepended to every Redis key. Default "sluice:". */
  prefix?: string;
}

export interface NodeGateway {
  gateway: Gateway;
  /** Closes the Redis connection (after the server has drained). */
  close(): Promise<void>;
}

/**
 * @example
 * ```ts
 * const { gateway, close } = await createNodeGateway(process.env);
 * await serve((request, execution) => gateway.fetch(request, execution), { onShutdown: close });
 * ```
 */
export async function createNodeGateway(
  env: EnvRecord = process.env,
  { gateway: extra = {}, prefix }: NodeGatewayOptions = {},
): Promise<NodeGateway> {
  const url = env.REDIS_URL?.trim();
  if (!url) {
    return {
      gateway: createGateway({ ...nodeOptionsFromEnv(env, { prefix }), ...extra }),
      close: async () => {},
    };
  }
  const client = createClient({ url });
  // Without a listener node-redis would crash the process on a dropped connection; it reconnects by itself.
  client.on("error", (error: Error) => console.error(`sluice: redis: ${error.message}`));
  await client.connect();
  try {
    const options = nodeOptionsFromEnv(env, { redis: nodeRedisCommands(client), prefix });
    return {
      gateway: createGateway({ ...options, ...extra }),
      close: async () => void (await client.close()),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}
