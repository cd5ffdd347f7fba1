import type { CachePort } from "../ports/cache.js";
import { type ContractCase, check, equal, freshKey, pause } from "./assert.js";

export interface CacheContractOptions {
  /** The shortest TTL the store honours exactly (seconds). Default 1. */
  ttlSeconds?: number;
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array) =>
  a !== null && a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);

/** What every cache store must do: exact bytes back, and entries that really expire. */
export function cacheContract(
  make: () => CachePort | Promise<CachePort>,
  { ttlSeconds = 1 }: CacheContractOptions = {},
): ContractCase[] {
  const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  return [
    {
      name: "cache: a missing key is null",
      async run() {
        const cache = await make();
        equal(await cache.get(freshKey("missing")), null, "get of a missing key");
      },
    },
    {
      name: "cache: bytes come back exactly, any key",
      async run() {
        const cache = await make();
        for (const key of [freshKey("bytes"), `${freshKey("odd")}/ü:✓ ?&=`]) {
          await cache.set(key, allBytes, 60);
          check(
            sameBytes(await cache.get(key), allBytes),
            `all 256 byte values must round-trip under "${key}"`,
          );
        }
      },
    },
    {
      name: "cache: a second set replaces the first",
      async run() {
        const cache = await make();
        const key = freshKey("replace");
        await cache.set(key, Uint8Array.of(1), 60);
        await cache.set(key, Uint8Array.of(2, 3), 60);
        check(sameBytes(await cache.get(key), Uint8Array.of(2, 3)), "the newer value wins");
      },
    },
    {
      name: `cache: an entry expires after its TTL (${ttlSeconds} s)`,
      async run() {
        const cache = await make();
        const key = freshKey("ttl");
        await cache.set(key, Uint8Array.of(7), ttlSeconds);
        check(sameBytes(await cache.get(key), Uint8Array.of(7)), "present before the TTL");
        await pause(ttlSeconds * 1000 + 600);
        equal(await cache.get(key), null, "gone after the TTL");
      },
    },
  ];
}
