/** New client keys: random, shown once, stored only as their SHA-256. */
import { keyIdFromHash } from "../middleware/keys.js";
import type { ClientKeyRecord } from "../ports/keys.js";
import { sha256Hex } from "../util/crypto.js";

export const CLIENT_KEY_PREFIX = "sk-sluice-";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A new client key: `sk-sluice-` and 40 base-62 characters (~238 bits from `crypto.getRandomValues`).
 * Rejection sampling keeps every character equally likely.
 */
export function generateClientKey(): string {
  let out = CLIENT_KEY_PREFIX;
  const bytes = new Uint8Array(64);
  while (out.length < CLIENT_KEY_PREFIX.length + 40) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      // 248 = 62 * 4: bytes at or above it would favour the first characters.
      if (byte < 248 && out.length < CLIENT_KEY_PREFIX.length + 40) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/**
 * A fresh key and the record to store for it. Return the key to its owner once; keep only the record.
 * @example
 * const { key, record } = await createClientKey({ name: "ci", budget: { tokens: 1e6, window: "day" } });
 * await keyStore.put!(record);
 */
export async function createClientKey(
  fields: Omit<ClientKeyRecord, "id" | "hash"> = {},
): Promise<{ key: string; record: ClientKeyRecord }> {
  const key = generateClientKey();
  const hash = await sha256Hex(key);
  return { key, record: { ...fields, id: keyIdFromHash(hash), hash } };
}
