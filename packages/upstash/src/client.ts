/**
 * The Upstash REST client as `RedisCommands`. The client's own types are written out structurally for the
 * few commands used: `@upstash/redis` is a peer the published types must not import, so a project without
 * it still compiles, and any build of the client (`@upstash/redis`, `/cloudflare`, `/fastly`) fits.
 */
import type { RedisCommands } from "@sluice/redis";

/** A `MULTI` transaction as the client builds one: queue commands, then `exec` them in one request. */
export interface UpstashTransaction {
  hincrby(key: string, field: string, increment: number): UpstashTransaction;
  sadd(key: string, member: string): UpstashTransaction;
  srem(key: string, member: string): UpstashTransaction;
  zadd(key: string, entry: { score: number; member: string }): UpstashTransaction;
  expire(key: string, seconds: number): UpstashTransaction;
  exec(): Promise<unknown>;
}

/** What the stores need from an `@upstash/redis` client; a `Redis` instance fits. */
export interface UpstashRedis {
  eval<TArgs extends unknown[], TData = unknown>(script: string, keys: string[], args: TArgs): Promise<TData>;
  evalsha<TArgs extends unknown[], TData = unknown>(
    sha1: string,
    keys: string[],
    args: TArgs,
  ): Promise<TData>;
  get<TData>(key: string): Promise<TData | null>;
  set(key: string, value: string, options: { ex: number }): Promise<unknown>;
  del(key: string): Promise<number>;
  hgetall<TData extends Record<string, unknown>>(key: string): Promise<TData | null>;
  smembers(key: string): Promise<string[]>;
  multi(): UpstashTransaction;
}

/**
 * `RedisCommands` over an `@upstash/redis` client. The client parses replies that look like JSON; the
 * stores keep their values behind markers that never do, so what they read back is what they wrote.
 */
export function upstashCommands(redis: UpstashRedis): RedisCommands {
  return {
    eval: (script, keys, args) => redis.eval(script, keys, args),
    evalsha: (sha1, keys, args) => redis.evalsha(sha1, keys, args),
    get: (key) => redis.get(key),
    set: (key, value, ttlSeconds) => redis.set(key, value, { ex: ttlSeconds }),
    del: (key) => redis.del(key),
    hgetall: (key) => redis.hgetall(key),
    smembers: (key) => redis.smembers(key),
    multi(commands) {
      const tx = redis.multi();
      for (const [name, key, ...rest] of commands) {
        if (name === "HINCRBY") tx.hincrby(key, String(rest[0]), Number(rest[1]));
        else if (name === "SADD") tx.sadd(key, String(rest[0]));
        else if (name === "SREM") tx.srem(key, String(rest[0]));
        else if (name === "ZADD") tx.zadd(key, { score: Number(rest[0]), member: String(rest[1]) });
        else tx.expire(key, Number(rest[0]));
      }
      return tx.exec();
    },
  };
}
