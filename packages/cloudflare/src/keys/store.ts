/**
 * `KeyStore` over the `SluiceKeys` Durable Object, and `withStaticKeys` to keep accepting the keys of the
 * `SLUICE_KEYS` secret next to the managed ones. Nothing is cached in front of the object: every request's
 * lookup is one RPC and one indexed read, which is what makes a revocation apply to the very next request.
 */
import {
  type ClientKeyRecord,
  type KeyStore,
  type ResourceGrant,
  type SecretsPort,
  staticKeys,
} from "@sluice/core";
import { checkRecord, type SluiceKeys } from "./durable-object.js";

/** A key store with the full admin capability (what the admin API needs). */
export type ManagedKeyStore = KeyStore & {
  put(record: ClientKeyRecord): Promise<void>;
  get(id: string): Promise<ClientKeyRecord | null>;
  list(): Promise<ClientKeyRecord[]>;
  delete(id: string): Promise<void>;
};

export interface DurableObjectKeyStoreOptions {
  /** Name of the one object holding the keys (`idFromName`). Default "keys"; another name is another key set. */
  name?: string;
}

/**
 * @example
 * const keys = durableObjectKeyStore(env.KEYS);
 * const gateway = createGateway({ secrets: envSecrets(env), clients: { keys }, stores: { counters: rateLimit } });
 */
export function durableObjectKeyStore(
  namespace: DurableObjectNamespace<SluiceKeys>,
  { name = "keys" }: DurableObjectKeyStoreOptions = {},
): ManagedKeyStore {
  const object = () => namespace.get(namespace.idFromName(name));
  return {
    lookup: (hash) => object().lookup(hash) as Promise<ClientKeyRecord | null>,
    get: (id) => object().get(id) as Promise<ClientKeyRecord | null>,
    list: () => object().list() as Promise<ClientKeyRecord[]>,
    put: async (record) => {
      checkRecord(record); // before the RPC: a key in the clear never leaves this isolate
      await object().put(record);
    },
    delete: async (id) => {
      await object().delete(id);
    },
  };
}

/**
 * The managed store plus the keys of a secret (default `SLUICE_KEYS`), so existing clients keep working while
 * you move them to managed keys. Lookups try the secret first (in memory, no I/O), then the store; the admin
 * API manages only the store, so a secret key is revoked by removing it from the secret.
 *
 * @example
 * const keys = withStaticKeys(durableObjectKeyStore(env.KEYS), envSecrets(env));
 */
export function withStaticKeys(
  managed: ManagedKeyStore,
  secrets: SecretsPort,
  secretName = "SLUICE_KEYS",
  /** Resource endpoints the secret's keys may use (the gateway's `staticKeyGrants`). */
  grants: ResourceGrant[] = [],
): ManagedKeyStore {
  const fixed = staticKeys(secrets, secretName, grants);
  return {
    ...managed,
    async lookup(hash) {
      return (await fixed.lookup(hash)) ?? managed.lookup(hash);
    },
  };
}
