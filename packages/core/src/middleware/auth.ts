/**
 * Authenticates the caller with the key its SDK already sends, then picks the provider key to use.
 * Keys are compared by SHA-256, never stored or logged in the clear.
 */
import type { Middleware } from "../compose.js";
import { GatewayError } from "../failures.js";
import type { KeyStore } from "../ports/keys.js";
import { CLIENT_KEY_PREFIX } from "../spend/keygen.js";
import { sha256Hex } from "../util/crypto.js";

export interface AuthOptions {
  keys: KeyStore | false;
  byok: boolean;
}

const HASH_MEMO_LIMIT = 1024;

export function auth({ keys, byok }: AuthOptions): Middleware {
  // Hashing is cheap but not free; remember recent keys' hashes (bounded) to keep it off the hot path.
  const memo = new Map<string, string>();
  async function hashOf(key: string): Promise<string> {
    let hash = memo.get(key);
    if (!hash) {
      hash = await sha256Hex(key);
      if (memo.size >= HASH_MEMO_LIMIT) memo.delete(memo.keys().next().value!);
      memo.set(key, hash);
    }
    return hash;
  }

  return async function authenticate(ctx, next) {
    const { provider } = ctx;
    const providerKey = async () => {
      const key = await ctx.options.secrets.get(provider.keySecrets[0]!);
      if (!key) {
        throw new GatewayError(
          "internal_error",
          `Sluice has no ${provider.name} key: set the ${provider.keySecrets[0]} secret.`,
          {
            status: 503,
          },
        );
      }
      return key;
    };
    if (keys === false) {
      ctx.providerKey = await providerKey();
      return next();
    }
    const presented = provider.readClientKey(ctx.request, ctx.url);
    if (!presented) {
      throw new GatewayError(
        "unauthorized",
        "Missing API key: send your Sluice key where your SDK sends its API key.",
      );
    }
    const hash = await hashOf(presented);
    let record: Awaited<ReturnType<typeof keys.lookup>>;
    try {
      record = await keys.lookup(hash);
    } catch {
      // A store that cannot answer is an outage (retry shortly), never "no such key" and never a 500.
      throw new GatewayError("state_unavailable", "The key store could not be reached; try again shortly.", {
        headers: { "retry-after": "1" },
      });
    }
    if (record) {
      if (record.disabled) throw new GatewayError("unauthorized", "This API key has been revoked.");
      if (record.expiresAt !== undefined && record.expiresAt <= Date.now()) {
        throw new GatewayError("unauthorized", "This API key has expired.");
      }
      if (record.allowedProviders && !record.allowedProviders.includes(provider.name)) {
        throw new GatewayError("forbidden", `This API key may not call ${provider.name}.`);
      }
      ctx.client = record;
      ctx.providerKey = await providerKey();
      return next();
    }
    // A key in Sluice's own format is never a provider key, even unknown, expired or deleted: forwarding it
    // would hand a (former) client credential to the provider as if it were theirs.
    if (byok && !presented.startsWith(CLIENT_KEY_PREFIX) && provider.keyShape.test(presented)) {
      // Bring-your-own-key: forwarded for this call only, identified in metrics by its hash.
      ctx.client = { id: `byok_${hash.slice(0, 12)}`, hash };
      ctx.useCallerKey(presented);
      return next();
    }
    if (keys.whyEmpty) {
      // Say why nothing can match (no keys configured at all), so local setups are not left guessing.
      const empty = await keys.whyEmpty().catch(() => undefined);
      if (empty) throw new GatewayError("unauthorized", `Invalid API key: ${empty}`);
    }
    throw new GatewayError("unauthorized", "Invalid API key.");
  };
}
