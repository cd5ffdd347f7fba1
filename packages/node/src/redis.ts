/**
 * node-redis (`redis` on npm, the client Redis maintains) as `@sluice/redis`'s `RedisCommands`. A client from
 * `createClient` (Redis, Valkey) and one from `createCluster` (Redis Cluster) both fit: the cluster routes each
 * command, script and transaction by its first key.
 */
import type { RedisCommands } from "@sluice/redis";

type Options = { keys: string[]; arguments: string[] };

/** The transaction node-redis builds with `multi()`. */
export interface NodeRedisMulti {
  hIncrBy(key: string, field: string, increment: number): NodeRedisMulti;
  sAdd(key: string, member: string): NodeRedisMulti;
  sRem(key: string, member: string): NodeRedisMulti;
  zAdd(key: string, member: { score: number; value: string }): NodeRedisMulti;
  expire(key: string, seconds: number): NodeRedisMulti;
  exec(): Promise<unknown>;
}

/** What the stores need from a node-redis client or cluster, written out so any 5.x/6.x build fits. */
export interface NodeRedisClient {
  eval(script: string, options: Options): Promise<unknown>;
  evalSha(sha1: string, options: Options): Promise<unknown>;
  get(key: string): Promise<unknown>;
  set(
    key: string,
    value: string,
    options: { expiration: { type: "EX" | "PX"; value: number }; condition?: "NX" },
  ): Promise<unknown>;
  del(key: string): Promise<unknown>;
  hGetAll(key: string): Promise<unknown>;
  sMembers(key: string): Promise<unknown>;
  multi(): NodeRedisMulti;
}

/**
 * `RedisCommands` over a connected node-redis client.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const rateLimit = redisRateLimitStore(nodeRedisCommands(redis));
 * ```
 */
export function nodeRedisCommands(client: NodeRedisClient): RedisCommands {
  return {
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
    evalsha: (sha1, keys, args) => client.evalSha(sha1, { keys, arguments: args }),
    get: (key) => client.get(key),
    set: (key, value, ttl) => client.set(key, value, { expiration: { type: "EX", value: ttl } }),
    del: (key) => client.del(key),
    hgetall: async (key) => (await client.hGetAll(key)) as Record<string, unknown>,
    smembers: async (key) => (await client.sMembers(key)) as unknown[],
    multi(commands) {
      const tx = client.multi();
      for (const [name, key, ...rest] of commands) {
        if (name === "HINCRBY") tx.hIncrBy(key, String(rest[0]), Number(rest[1]));
        else if (name === "SADD") tx.sAdd(key, String(rest[0]));
        else if (name === "SREM") tx.sRem(key, String(rest[0]));
        else if (name === "ZADD") tx.zAdd(key, { score: Number(rest[0]), value: String(rest[1]) });
        else tx.expire(key, Number(rest[0]));
      }
      return tx.exec();
    },
  };
}
