import type { KeyStore } from "@sluice/core";

/**
 * A managed store that also accepts the keys of `SLUICE_KEYS`: lookups try the static keys first (an
 * in-memory map, no round trip) and the managed store after; management (put/get/list/delete) is the
 * managed store's alone, so the admin API never lists or touches the static keys.
 */
export function withStaticKeys<T extends KeyStore>(managed: T, fixed: KeyStore): T {
  return {
    ...managed,
    async lookup(hash: string) {
      return (await fixed.lookup(hash)) ?? managed.lookup(hash);
    },
  };
}
