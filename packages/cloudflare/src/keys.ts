/**
 * The stores the `SluiceKeys` Durable Object class backs: managed client keys and resource ownership.
 *
 * `KeyStore` over the `SluiceKeys` Durable Object (core's `withStaticKeys` keeps accepting the keys of the
 * `SLUICE_KEYS` secret next to the managed ones). Nothing is cached in front of the object: every request's
 * lookup is one RPC and one indexed read, which is what makes a revocation apply to the very next request.
 */
import type { ClientKeyRecord, ManagedKeyStore, ResourceStore } from "@sluice/core";
import { checkRecord, type SluiceKeys } from "./durable-objects/keys.js";

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
 * `ResourceStore` over the same `SluiceKeys` Durable Object class (its `resources` table, in an instance of its
 * own, by default named "resources"): who created each File, Message Batch or stored Response. Strongly
 * consistent like the keys: a claim made before the create answer is returned is seen by the next read from
 * any Worker, and the first claim of an id wins.
 *
 * @example
 * createGateway({ ..., stores: { resources: durableObjectResourceStore(env.KEYS) } });
 */
export function durableObjectResourceStore(
  namespace: DurableObjectNamespace<SluiceKeys>,
  { name = "resources" }: { name?: string } = {},
): ResourceStore {
  const object = () => namespace.get(namespace.idFromName(name));
  return {
    claim: (resource, owner) => object().claim(resource, owner) as Promise<string>,
    owner: (resource) => object().owner(resource) as Promise<string | null>,
    forget: async (resource) => {
      await object().forget(resource);
    },
  };
}
