/**
 * The few `@upstash/redis` commands the Upstash ports call, written out structurally. `@upstash/redis` is an
 * optional peer, so the published types must not import it: a project without it (or with `skipLibCheck`
 * off) still compiles. Any client build (`@upstash/redis`, `/cloudflare`, `/fastly`) fits these shapes.
 */

/** `EVAL` and `EVALSHA`: scripts, for the rate limiter and the key store. */
export interface ScriptRunner {
  eval<TArgs extends unknown[], TData = unknown>(script: string, keys: string[], args: TArgs): Promise<TData>;
  evalsha<TArgs extends unknown[], TData = unknown>(
    sha1: string,
    keys: string[],
    args: TArgs,
  ): Promise<TData>;
}

/** The commands the cache needs from an `@upstash/redis` client. */
export interface CacheCommands {
  get<TData>(key: string): Promise<TData | null>;
  set(key: string, value: string, options: { ex: number }): Promise<unknown>;
  del(key: string): Promise<number>;
}

/** The commands the key store needs; any `@upstash/redis` client (Node, Cloudflare, Fastly build) fits. */
export interface KeyStoreCommands extends Pick<ScriptRunner, "eval"> {
  hgetall<TData extends Record<string, unknown>>(key: string): Promise<TData | null>;
}

/** A `MULTI` transaction as the usage store uses it: queue increments, set members and expiries, then run them at once. */
export interface Transaction {
  hincrby(key: string, field: string, increment: number): Transaction;
  sadd(key: string, member: string): Transaction;
  sadd(key: string, member: string): Transaction;
  expire(key: string, seconds: number): Transaction;
  exec(): Promise<unknown>;
}

/** The commands the usage store needs; any `@upstash/redis` client fits. */
export interface UsageCommands {
  multi(): Transaction;
  smembers(key: string): Promise<string[]>;
  hgetall<TData extends Record<string, unknown>>(key: string): Promise<TData | null>;
}
