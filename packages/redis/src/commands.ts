/**
 * The Redis commands Sluice's stores send, as one small interface: any client (node-redis over TCP, the
 * Upstash REST client, ioredis, a cluster client) fits through a shim of a few lines. Arguments are strings
 * so every client sends them unchanged; replies are `unknown` because clients decode them differently
 * (RESP strings, numbers parsed from JSON), and the stores check what they get.
 */
export interface RedisCommands {
  /** `EVAL script numkeys ...keys ...args`. */
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  /**
   * `EVALSHA sha1 numkeys ...keys ...args`. Must reject with an error whose message holds `NOSCRIPT` when
   * the server does not know the script (every client passes Redis's error text through).
   */
  evalsha(sha1: string, keys: string[], args: string[]): Promise<unknown>;
  /** `GET key`: the value, or null when there is none. */
  get(key: string): Promise<unknown>;
  /** `SET key value EX seconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<unknown>;
  /** `HGETALL key`: field → value, empty (or null) when the hash does not exist. */
  hgetall(key: string): Promise<Record<string, unknown> | null>;
  /** `SMEMBERS key`. */
  smembers(key: string): Promise<unknown[]>;
  /** The commands inside one `MULTI`/`EXEC` transaction: all of them apply, or none. */
  multi(commands: TransactionCommand[]): Promise<unknown>;
}

/** The commands the usage store queues in a transaction (`SREM` and `ZADD` alone too, as housekeeping does). */
export type TransactionCommand =
  | ["HINCRBY", key: string, field: string, increment: number]
  | ["SADD", key: string, member: string]
  | ["SREM", key: string, member: string]
  | ["ZADD", key: string, score: number, member: string]
  | ["EXPIRE", key: string, seconds: number];

/** What the rate limiter needs: scripts only. */
export type ScriptCommands = Pick<RedisCommands, "eval" | "evalsha">;
/** What the response cache needs. */
export type CacheCommands = Pick<RedisCommands, "get" | "set" | "del">;
/** What the key store needs. */
export type KeyStoreCommands = Pick<RedisCommands, "eval" | "hgetall">;
/** What the usage store needs (scripts for housekeeping). */
export type UsageCommands = Pick<RedisCommands, "multi" | "smembers" | "hgetall" | "eval" | "evalsha">;
