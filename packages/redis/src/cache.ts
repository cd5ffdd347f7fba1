import type { CachePort } from "@sluice/core";
import type { CacheCommands } from "./commands.js";

export interface RedisCacheOptions {
  /** Prepended to every cache key. Default "sluice:cache:". */
  prefix?: string;
}

// Bytes are stored as base64 behind a marker that is never valid JSON, so every client reads the same
// layout back: a REST client that parses JSON replies (Upstash) would otherwise turn "1234" into a number.
const MARK = "b64:";

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The response cache on Redis: `SET key value EX ttl`, so Redis expires entries itself.
 * TTLs are whole seconds (rounded up, at least 1).
 *
 * @example
 * ```ts
 * const cache = redisCache(commands); // commands: a shim over your client, see RedisCommands
 * createGateway({ secrets, cache: { ttlSeconds: 300 }, stores: { cache } });
 * ```
 */
export function redisCache(
  redis: CacheCommands,
  { prefix = "sluice:cache:" }: RedisCacheOptions = {},
): CachePort {
  return {
    async get(key) {
      const value = await redis.get(prefix + key);
      if (typeof value !== "string" || !value.startsWith(MARK)) return null;
      return fromBase64(value.slice(MARK.length));
    },
    async set(key, value, ttlSeconds) {
      const ex = Math.max(1, Math.ceil(ttlSeconds));
      await redis.set(prefix + key, MARK + toBase64(value), ex);
    },
    async delete(key) {
      await redis.del(prefix + key);
    },
  };
}
