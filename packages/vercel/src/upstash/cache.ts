import type { CachePort } from "@sluice/core";
import type { CacheCommands } from "./commands.js";

export type { CacheCommands };

export interface UpstashCacheOptions {
  /** Prepended to every cache key. Default "sluice:cache:". */
  prefix?: string;
}

// Values travel as JSON strings over REST, so bytes are base64 with a marker that is never valid JSON:
// the client's automatic deserialization would otherwise turn a value like "1234" into a number.
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
 * The response cache on Upstash Redis: `SET key value EX ttl`, so Redis expires entries itself.
 * TTLs are whole seconds (rounded up, at least 1).
 *
 * @example
 * ```ts
 * const cache = upstashCache(Redis.fromEnv());
 * createGateway({ secrets, cache: { ttlSeconds: 300 }, stores: { cache } });
 * ```
 */
export function upstashCache(
  redis: CacheCommands,
  { prefix = "sluice:cache:" }: UpstashCacheOptions = {},
): CachePort {
  return {
    async get(key) {
      const value = await redis.get<unknown>(prefix + key);
      if (typeof value !== "string" || !value.startsWith(MARK)) return null;
      return fromBase64(value.slice(MARK.length));
    },
    async set(key, value, ttlSeconds) {
      const ex = Math.max(1, Math.ceil(ttlSeconds));
      await redis.set(prefix + key, MARK + toBase64(value), { ex });
    },
    async delete(key) {
      await redis.del(prefix + key);
    },
  };
}
