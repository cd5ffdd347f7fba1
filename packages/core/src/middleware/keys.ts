/** Client keys from the `SLUICE_KEYS` secret: the simple case, no store needed. */
import type { ClientKeyRecord, KeyStore, ResourceGrant } from "../ports/keys.js";
import type { SecretsPort } from "../ports/secrets.js";
import { sha256Hex } from "../util/crypto.js";

/** The public id of a key: a prefix of its hash, safe for logs and metrics. */
export const keyIdFromHash = (hash: string): string => `key_${hash.slice(0, 12)}`;

/**
 * A key store over a comma-separated secret. The secret is re-read on each lookup (a cheap call on every
 * platform) and re-hashed only when its value changed, so rotating it takes effect without a redeploy.
 */
export function staticKeys(
  secrets: SecretsPort,
  secretName = "SLUICE_KEYS",
  /** Pass-through resource endpoints every static key may use (`staticKeyGrants`). Default: none. */
  grants: ResourceGrant[] = [],
): KeyStore {
  let source: string | undefined;
  let records = new Map<string, ClientKeyRecord>();
  const granted = grants.length > 0 ? { grants: [...grants] } : {};
  async function load(): Promise<Map<string, ClientKeyRecord>> {
    const value = (await secrets.get(secretName)) ?? "";
    if (value !== source) {
      const keys = value
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean);
      const hashes = await Promise.all(keys.map((k) => sha256Hex(k)));
      records = new Map(hashes.map((h) => [h, { id: keyIdFromHash(h), hash: h, ...granted }]));
      source = value;
    }
    return records;
  }
  return {
    async lookup(hash) {
      return (await load()).get(hash) ?? null;
    },
    async whyEmpty() {
      if ((await load()).size > 0) return undefined;
      return `no client keys are configured. Set the ${secretName} secret to a comma-separated list of keys (in local dev: ${secretName}=<key> in .dev.vars or .env).`;
    },
  };
}
