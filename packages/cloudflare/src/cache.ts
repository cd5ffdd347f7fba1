/**
 * `CachePort` on Workers KV. KV refuses an `expirationTtl` under 60 s, so the entry is stored for at least
 * 60 s but carries its real expiry in metadata, checked on every read: a 5 s TTL is honoured to the
 * millisecond. KV is eventually consistent across locations (a write can take up to ~60 s to be seen
 * elsewhere), which suits a response cache: a miss just costs one upstream call.
 */
import type { CachePort } from "@sluice/core";

/** KV's smallest `expirationTtl`, in seconds. */
export const KV_MIN_TTL_SECONDS = 60;
/** KV's longest key, in bytes. Longer keys are replaced by their SHA-256. */
const KV_MAX_KEY_BYTES = 512;

interface EntryMetadata {
  /** Milliseconds since the epoch after which the entry is treated as gone. */
  exp: number;
}

type KvLike = Pick<KVNamespace, "getWithMetadata" | "put" | "delete">;

export interface KvCacheOptions {
  /** Prepended to every key, to share one namespace between uses. Default "". */
  prefix?: string;
}

const encoder = new TextEncoder();

async function storageKey(prefix: string, key: string): Promise<string> {
  const full = prefix + key;
  // "." and ".." are the only names KV refuses outright; the prefix-less core keys never are.
  if (encoder.encode(full).byteLength <= KV_MAX_KEY_BYTES && full !== "." && full !== "..") return full;
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(full));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}sha256:${hex}`;
}

/**
 * @example
 * const cache = kvCache(env.CACHE);
 * createGateway({ secrets, stores: { cache }, cache: { ttlSeconds: 300 } });
 */
export function kvCache(namespace: KvLike, { prefix = "" }: KvCacheOptions = {}): CachePort {
  return {
    async get(key) {
      const { value, metadata } = await namespace.getWithMetadata<EntryMetadata>(
        await storageKey(prefix, key),
        "arrayBuffer",
      );
      if (value === null) return null;
      if (metadata && typeof metadata.exp === "number" && metadata.exp <= Date.now()) return null;
      return new Uint8Array(value);
    },
    async set(key, value, ttlSeconds) {
      const metadata: EntryMetadata = { exp: Date.now() + ttlSeconds * 1000 };
      await namespace.put(await storageKey(prefix, key), value, {
        expirationTtl: Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds)),
        metadata,
      });
    },
    async delete(key) {
      await namespace.delete(await storageKey(prefix, key));
    },
  };
}
