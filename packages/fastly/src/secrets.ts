import type { SecretsPort } from "@sluice/core";
import { ConfigurationError } from "@sluice/core/adapter";
import { SecretStore } from "fastly:secret-store";

/**
 * Provider keys and client keys from a Fastly Secret Store. The store is opened on first use (Fastly
 * allows it only while handling a request, not during build-time initialization) and each name is read
 * once per instance. Values are never logged.
 *
 * @example
 * ```ts
 * const secrets = secretStoreSecrets("sluice_secrets");
 * await secrets.get("ANTHROPIC_API_KEY");
 * ```
 */
export function secretStoreSecrets(storeName = "sluice_secrets"): SecretsPort {
  let store: SecretStore | undefined;
  const read = new Map<string, Promise<string | undefined>>();
  const open = (): SecretStore => {
    if (!store) {
      try {
        store = new SecretStore(storeName);
      } catch {
        // The runtime's message can name internals; ours says what to fix.
        throw new ConfigurationError(`Secret Store "${storeName}" is not linked to this Fastly service.`);
      }
    }
    return store;
  };
  return {
    get(name) {
      let value = read.get(name);
      if (!value) {
        value = open()
          .get(name)
          .then((entry) => entry?.plaintext() ?? undefined);
        // A failed read is not remembered, so the next request tries again.
        value.catch(() => read.delete(name));
        read.set(name, value);
      }
      return value;
    },
  };
}

/** @deprecated Renamed `secretStoreSecrets`: every adapter names its secrets factory `<storage>Secrets`. */
export const fastlySecrets = secretStoreSecrets;
