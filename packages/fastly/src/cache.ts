import type { CachePort } from "@sluice/core";
import { CoreCache } from "fastly:cache";

export interface CoreCacheOptions {
  /** Prepended to every key, so Sluice's entries never meet your own. Default "sluice:". */
  prefix?: string;
  /**
   * Mark entries as sensitive (Fastly keeps them out of persistent storage, for PCI-style caching).
   * Default false.
   */
  sensitive?: boolean;
}

/**
 * The response cache on Fastly's Core Cache. Entries live in the POP that wrote them, expire after
 * their TTL (to the millisecond: `maxAge` is in ms), and an insert overwrites any older entry.
 *
 * Why Core Cache: cached LLM answers are short-lived and most useful next to the client that asked,
 * which is what the POP cache is for. KV Store is a durable, globally replicated store with a write rate
 * limit per key and billing per operation: the right place for state that must survive, not for a cache.
 * SimpleCache sits on the same cache but takes TTLs in whole seconds and hides `length` and `sensitive`.
 *
 * @example
 * ```ts
 * createHandler({ cache: { ttlSeconds: 300 }, stores: { cache: coreCache() } });
 * ```
 */
export function coreCache({ prefix = "sluice:", sensitive = false }: CoreCacheOptions = {}): CachePort {
  return {
    async get(key) {
      const entry = CoreCache.lookup(prefix + key);
      if (!entry) return null;
      try {
        if (!entry.state().usable()) return null;
        return new Uint8Array(await new Response(entry.body()).arrayBuffer());
      } finally {
        entry.close();
      }
    },
    async set(key, value, ttlSeconds) {
      const writer = CoreCache.insert(prefix + key, {
        maxAge: Math.max(1, Math.round(ttlSeconds * 1000)),
        length: value.byteLength,
        sensitive,
      });
      writer.append(value as Uint8Array<ArrayBuffer>);
      writer.close();
    },
  };
}

/** @deprecated Renamed `coreCache`: every adapter names its cache factory `<storage>Cache`. */
export const coreCacheStore = coreCache;
