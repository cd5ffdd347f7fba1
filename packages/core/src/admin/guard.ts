/** The admin API's lock: a secret compared by SHA-256 in constant time. Without the secret, it stays shut. */
import { errorResponse } from "../respond.js";
import type { RateLimitStore } from "../ports/rate-limit.js";
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

/** Wrong admin keys allowed per source before it must wait; one more comes back every 30 seconds. */
export const ADMIN_FAILURES = { capacity: 10, refillPerSecond: 1 / 30, ttlSeconds: 300 };

export interface AdminThrottle {
  /** Counts failed attempts: the rate-limit store when there is one, else this isolate's memory. */
  store: RateLimitStore;
  /** The caller's address where the runtime vouches for it; without one, failures are counted globally. */
  clientAddress?: (request: Request) => string | undefined;
}

/** A response refusing the caller, or undefined when the request carries the admin key. */
export async function checkAdmin(
  request: Request,
  secrets: SecretsPort,
  secretName = ADMIN_SECRET,
  throttle?: AdminThrottle,
): Promise<Response | undefined> {
  const bucket = `admin-failures:${throttle?.clientAddress?.(request) ?? "*"}`;
  if (throttle) {
    // Checked before the key: a throttled source learns nothing, not even from a right guess.
    const { remaining } = await throttle.store.take(bucket, 0, ADMIN_FAILURES);
    if (remaining < 1) return throttled((1 - remaining) / ADMIN_FAILURES.refillPerSecond);
  }
  const refused = await verify(request, secrets, secretName);
  if (refused && refused.status === 401 && throttle) {
    const taken = await throttle.store.take(bucket, 1, ADMIN_FAILURES);
    if (!taken.allowed) return throttled(taken.retryAfterMs / 1000);
  }
  return refused;
}

function throttled(seconds: number): Response {
  const wait = Math.max(1, Math.ceil(seconds));
  return errorResponse(
    undefined,
    429,
    "rate_limited",
    `Too many wrong admin keys: retry in ${wait} s with the right one.`,
    { "retry-after": String(wait) },
  );
}

async function verify(
  request: Request,
  secrets: SecretsPort,
  secretName: string,
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
  // Bearer only, as documented: one credential header, so a client key header can never be mistaken for it.
  const presented = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
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
