import { type KeyStore, type SecretsPort, staticKeys } from "@sluice/core";
import type { KvKeyStore } from "./kv-keys.ts";

/**
 * The keys `createHandler` uses with KV: the static keys of the `SLUICE_KEYS` secret (checked first, in memory,
 * no KV read) and the managed keys of `managed`, which the admin API creates, updates and revokes. Static keys
 * are not listed or revocable through the admin API: remove them from the secret instead.
 *
 * @example
 * createGateway({ secrets, keys: staticAndManagedKeys(secrets, kvKeyStore(kv)) });
 */
export function staticAndManagedKeys(secrets: SecretsPort, managed: KvKeyStore): KeyStore {
  const fromSecret = staticKeys(secrets);
  return {
    async lookup(hash) {
      return (await fromSecret.lookup(hash)) ?? (await managed.lookup(hash));
    },
    put: (record) => managed.put(record),
    get: (id) => managed.get(id),
    list: () => managed.list(),
    delete: (id) => managed.delete(id),
  };
}
