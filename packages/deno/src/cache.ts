import type { CachePort } from "@sluice/core";
import type { KvKey, KvLike } from "./kv.ts";

export interface KvCacheOptions {
  /** Key prefix inside the KV database. Default `["sluice", "cache"]`. */
  prefix?: KvKey;
  /** Larger values are not cached (`set` does nothing). Default 1 MiB. */
  maxBytes?: number;
  now?: () => number;
}

/** Deno KV refuses values over 64 KiB; a chunk leaves room for the value's own encoding. */
export const CHUNK_BYTES = 60 * 1024;
/** `getMany` reads at most 10 keys per call. */
const MANY = 10;

/** The entry under the cache key: small bodies inline, large ones as a list of chunk keys. */
interface Head {
  expiresAt: number;
  size: number;
  body?: Uint8Array;
  /** Chunks live under [...prefix, key, generation, i], so a replacement never mixes with old chunks. */
  generation?: string;
  chunks?: number;
}

/**
 * A response cache in Deno KV with `expireIn`. Bodies up to 60 KiB take one key; larger ones (up to
 * `maxBytes`) are split into 60 KiB chunks written before the entry that points at them, so a reader sees
 * either the old body or the whole new one. Expiry is also checked on read: KV deletes expired keys lazily.
 *
 * @example
 * const kv = await Deno.openKv();
 * createGateway({ secrets, cache: { ttlSeconds: 300 }, stores: { cache: kvCache(kv) } });
 */
export function kvCache(kv: KvLike, options: KvCacheOptions = {}): CachePort {
  const prefix = options.prefix ?? ["sluice", "cache"];
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const now = options.now ?? Date.now;

  async function readChunks(key: string, head: Head): Promise<Uint8Array | null> {
    const out = new Uint8Array(head.size);
    let offset = 0;
    for (let first = 0; first < (head.chunks ?? 0); first += MANY) {
      const keys: KvKey[] = [];
      for (let i = first; i < Math.min(first + MANY, head.chunks ?? 0); i++)
        keys.push([...prefix, key, head.generation ?? "", i]);
      const entries = await kv.getMany<Uint8Array[]>(keys);
      for (const entry of entries) {
        // A chunk already collected by KV: the whole entry counts as a miss.
        if (!(entry.value instanceof Uint8Array) || offset + entry.value.byteLength > head.size) return null;
        out.set(entry.value, offset);
        offset += entry.value.byteLength;
      }
    }
    return offset === head.size ? out : null;
  }

  return {
    async get(key) {
      const head = (await kv.get<Head>([...prefix, key])).value;
      if (!head || head.expiresAt <= now()) return null;
      if (head.body instanceof Uint8Array) return head.body;
      return readChunks(key, head);
    },
    async set(key, value, ttlSeconds) {
      if (value.byteLength > maxBytes) return;
      const expireIn = Math.max(1, Math.ceil(ttlSeconds * 1000));
      const expiresAt = now() + expireIn;
      if (value.byteLength <= CHUNK_BYTES) {
        await kv.set(
          [...prefix, key],
          { expiresAt, size: value.byteLength, body: value.slice() } satisfies Head,
          {
            expireIn,
          },
        );
        return;
      }
      const generation = crypto.randomUUID();
      const chunks = Math.ceil(value.byteLength / CHUNK_BYTES);
      // Chunks outlive the head a little, so a head read just before it expires still finds them.
      await Promise.all(
        Array.from({ length: chunks }, (_, i) =>
          kv.set([...prefix, key, generation, i], value.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES), {
            expireIn: expireIn + 60_000,
          }),
        ),
      );
      await kv.set(
        [...prefix, key],
        { expiresAt, size: value.byteLength, generation, chunks } satisfies Head,
        {
          expireIn,
        },
      );
    },
    async delete(key) {
      await kv.delete([...prefix, key]);
    },
  };
}
