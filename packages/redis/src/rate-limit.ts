import type { BucketPolicy, RateLimitStore, TakeResult } from "@sluice/core";
import { BUCKET_SCRIPT } from "./bucket-script.js";
import type { ScriptCommands } from "./commands.js";
import { luaScript } from "./script.js";

export interface RedisRateLimitOptions {
  /** Prepended to every bucket key, so one database can serve several gateways. Default "sluice:rl:". */
  prefix?: string;
}

const toNumber = (value: unknown): number => {
  if (value === "inf") return Number.POSITIVE_INFINITY;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`unexpected bucket script reply: ${String(value)}`);
  return n === 0 ? 0 : n; // no -0 from "%.17g"
};

/**
 * A strongly consistent token bucket on Redis: one atomic Lua script per check, sent as `EVALSHA` (one
 * round trip) and re-sent as `EVAL` only when the server answers NOSCRIPT (after a restart, a failover or a
 * `SCRIPT FLUSH`), which also loads it for the next calls. One key per script, so it runs on a Redis
 * Cluster too.
 *
 * @example
 * ```ts
 * const rateLimit = redisRateLimitStore(commands); // commands: a shim over your client, see RedisCommands
 * createGateway({ secrets, limits: { rate: "60/60s" }, stores: { counters: rateLimit } });
 * ```
 */
export function redisRateLimitStore(
  redis: ScriptCommands,
  { prefix = "sluice:rl:" }: RedisRateLimitOptions = {},
): RateLimitStore {
  const bucket = luaScript(redis, BUCKET_SCRIPT);
  return {
    async take(key: string, cost: number, policy: BucketPolicy, options): Promise<TakeResult> {
      const keys = [prefix + key];
      const args = [
        String(cost),
        String(policy.capacity),
        String(policy.refillPerSecond),
        String(policy.ttlSeconds ?? 0),
        options?.force ? "1" : "0",
      ];
      const reply = await bucket(keys, args);
      if (!Array.isArray(reply) || reply.length !== 3) {
        throw new Error(`unexpected bucket script reply: ${JSON.stringify(reply)}`);
      }
      return {
        allowed: Number(reply[0]) === 1,
        remaining: toNumber(reply[1]),
        retryAfterMs: toNumber(reply[2]),
      };
    },
  };
}
