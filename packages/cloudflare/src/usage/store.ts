/**
 * `UsageStore` over the `SluiceUsage` Durable Object: one object per client key, so adds for different keys
 * never queue behind each other and reading a key's days touches only its own object.
 */
import type { UsageCounters, UsageStore } from "@sluice/core";
import type { SluiceUsage } from "./durable-object.js";

/**
 * @example
 * const usage = durableObjectUsageStore(env.USAGE);
 * const gateway = createGateway({ secrets, keys, stores: { rateLimit, usage } });
 */
export function durableObjectUsageStore(namespace: DurableObjectNamespace<SluiceUsage>): UsageStore {
  const object = (keyId: string) => namespace.get(namespace.idFromName(keyId));
  return {
    async add(keyId, day, delta) {
      await object(keyId).add(keyId, day, delta);
    },
    get: (keyId, day) => object(keyId).get(keyId, day) as Promise<UsageCounters | null>,
  };
}
