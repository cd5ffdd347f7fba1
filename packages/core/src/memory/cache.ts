import type { CachePort } from "../ports/cache.js";

/** A cache in this process's memory with real expiry: tests and single-process servers. */
export function memoryCache(now: () => number = Date.now): CachePort {
  const entries = new Map<string, { value: Uint8Array; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return null;
      }
      return entry.value;
    },
    async set(key, value, ttlSeconds) {
      entries.set(key, { value: value.slice(), expiresAt: now() + ttlSeconds * 1000 });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
