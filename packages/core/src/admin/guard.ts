/** The admin API's lock: a secret compared by SHA-256 in constant time. Without the secret, it stays shut. */
import { errorResponse } from "../respond.js";
import type { SecretsPort } from "../ports/secrets.js";
import { sha256Hex } from "../util/crypto.js";

export const ADMIN_SECRET = "SLUICE_ADMIN_KEY";

/** Equal-length hex strings compared without an early exit, so timing says nothing about the prefix. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A response refusing the caller, or undefined when the request carries the admin key. */
export async function checkAdmin(
  request: Request,
  secrets: SecretsPort,
  secretName = ADMIN_SECRET,
): Promise<Response | undefined> {
  const secret = await secrets.get(secretName);
  if (!secret) {
    return errorResponse(
      undefined,
      403,
      "forbidden",
      `The admin API is disabled: set the ${secretName} secret to enable it.`,
    );
  }
  const auth = request.headers.get("authorization");
  const presented = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? request.headers.get("x-api-key");
  if (!presented) {
    return errorResponse(
      undefined,
      401,
      "unauthorized",
      `Send the admin key as "Authorization: Bearer <${secretName}>".`,
    );
  }
  // Hashing both sides makes the comparison length-independent as well.
  if (!sameHex(await sha256Hex(presented), await sha256Hex(secret))) {
    return errorResponse(undefined, 401, "unauthorized", "Invalid admin key.");
  }
  return undefined;
}
