/**
 * The dashboard's login session: a short-lived cookie signed with HMAC-SHA-256 under a key derived
 * from the admin secret, so rotating the secret ends every session, and nothing is stored server-side.
 */
const encoder = new TextEncoder();
export const COOKIE = "sluice_dashboard";
/** One hour: long enough to look around, short enough that a forgotten tab does not stay an open door. */
export const SESSION_SECONDS = 3600;

let cached: { secret: string; key: Promise<CryptoKey> } | undefined;

const hmacKey = (raw: BufferSource) =>
  crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);

/**
 * The HMAC key for sessions and CSRF tokens, derived once per admin secret: HMAC(secret, label), so the
 * admin key itself never signs anything. HMAC and SHA-256 only, which every runtime's WebCrypto has.
 */
function signingKey(secret: string): Promise<CryptoKey> {
  if (cached?.secret !== secret) {
    const key = hmacKey(encoder.encode(secret))
      .then((base) => crypto.subtle.sign("HMAC", base, encoder.encode("sluice dashboard session v1")))
      .then(hmacKey);
    cached = { secret, key };
  }
  return cached.key;
}

const base64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const sign = async (secret: string, payload: string) =>
  base64url(await crypto.subtle.sign("HMAC", await signingKey(secret), encoder.encode(payload)));

/** Constant-time check of a signature over `payload` (WebCrypto's verify). */
async function verify(secret: string, payload: string, signature: string): Promise<boolean> {
  const bytes = fromBase64url(signature);
  if (!bytes) return false;
  return crypto.subtle.verify("HMAC", await signingKey(secret), bytes, encoder.encode(payload));
}

/** A new session value: `v1.<expires ms>.<random id>.<signature>`. */
export async function newSession(secret: string, now = Date.now()): Promise<string> {
  const id = base64url(crypto.getRandomValues(new Uint8Array(16)).buffer);
  const payload = `v1.${now + SESSION_SECONDS * 1000}.${id}`;
  return `${payload}.${await sign(secret, payload)}`;
}

/** The session in the request's cookie when it is well-formed, signed by this secret and not expired. */
export async function sessionOf(
  request: Request,
  secret: string,
  now = Date.now(),
): Promise<string | undefined> {
  const value = cookieValue(request.headers.get("cookie"), COOKIE);
  const parts = value?.split(".");
  if (!value || parts?.length !== 4 || parts[0] !== "v1") return undefined;
  const expires = Number(parts[1]);
  if (!Number.isSafeInteger(expires) || expires <= now) return undefined;
  return (await verify(secret, parts.slice(0, 3).join("."), parts[3]!)) ? value : undefined;
}

/** The CSRF token of a session: its own HMAC, so it needs no storage and dies with the session. */
export const csrfToken = (secret: string, session: string) => sign(secret, `csrf.${session}`);

export const validCsrf = (secret: string, session: string, token: string) =>
  verify(secret, `csrf.${session}`, token);

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** `Set-Cookie` for a session (or, with `undefined`, one that clears it), scoped to the dashboard's path. */
export function sessionCookie(path: string, value: string | undefined): string {
  const attributes = `Path=${path}; HttpOnly; Secure; SameSite=Strict`;
  return value === undefined
    ? `${COOKIE}=; ${attributes}; Max-Age=0`
    : `${COOKIE}=${value}; ${attributes}; Max-Age=${SESSION_SECONDS}`;
}
