/**
 * `ResourceStore` over the `SluiceKeys` Durable Object (its `resources` table, in an instance of its own,
 * by default named "resources"): who created each File, Message Batch or stored Response. Strongly
 * consistent like the keys: a claim made before the create answer is returned is seen by the next read
 * from any Worker, and the first claim of an id wins.
 */
import type { ResourceStore } from "@sluice/core";
import type { SluiceKeys } from "../keys/durable-object.js";

/**
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
