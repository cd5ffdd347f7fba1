/** The static-plus-managed key set every adapter offers, written once so the lookup order is one everywhere. */
import { staticKeys } from "../middleware/keys.js";
import type { ManagedKeyStore, ResourceGrant } from "../ports/keys.js";
import type { SecretsPort } from "../ports/secrets.js";

export interface StaticKeysOptions {
  /** The secret holding the static keys. Default "SLUICE_KEYS". */
  secretName?: string;
  /** Resource endpoints the static keys may use (the gateway's `staticKeyGrants`). */
  grants?: ResourceGrant[];
}

/**
 * A managed store that also accepts the keys of the `SLUICE_KEYS` secret, so clients holding them keep
 * working while you move to managed keys. Lookups try the static keys first (in memory, no I/O), then the
 * store; the admin API manages the store alone, so a static key is revoked by removing it from the secret.
 *
 * @example
 * createGateway({ secrets, keys: withStaticKeys(kvKeyStore(kv), secrets) });
 */
export function withStaticKeys<T extends ManagedKeyStore>(
  managed: T,
  secrets: SecretsPort,
  { secretName = "SLUICE_KEYS", grants = [] }: StaticKeysOptions = {},
): T {
  const fixed = staticKeys(secrets, secretName, grants);
  return {
    ...managed,
    async lookup(hash: string) {
      return (await fixed.lookup(hash)) ?? managed.lookup(hash);
    },
  };
}
