/**
 * Secrets from the Worker's `env`. Workers Secrets (`wrangler secret put`) and `[vars]` both arrive on `env`
 * as plain strings, so the runtime cannot tell them apart: the guard is at configuration time
 * (`findSecretsInVars`, run it in a test or CI over your wrangler config), and this port only reads the names
 * it is asked for, never base URLs or other settings.
 */
import { PROVIDER_SECRET_NAMES, type SecretsPort } from "@sluice/core";

/**
 * Every secret Sluice reads on Cloudflare: each provider's keys, primary and secondary (from its provider
 * file in core), then Sluice's own. None of them may appear in `vars`.
 */
export const SECRET_NAMES: readonly string[] = [
  ...PROVIDER_SECRET_NAMES,
  "SLUICE_KEYS",
  "SLUICE_ADMIN_KEY",
  "R2_ACCESS_KEY_ID",
  "R2_SECRET_ACCESS_KEY",
];

/** A Secrets Store binding (`secrets_store_secrets` in wrangler config): the value is fetched on `get()`. */
interface SecretsStoreSecretLike {
  get(): Promise<string>;
}

/** KV, R2 and Durable Object namespaces also have a `get`, which takes an argument: they are not secrets. */
const isStoreSecret = (value: unknown): value is SecretsStoreSecretLike => {
  if (typeof value !== "object" || value === null) return false;
  const methods = value as Record<string, unknown>;
  return (
    typeof methods.get === "function" &&
    typeof methods.list !== "function" &&
    typeof methods.idFromName !== "function"
  );
};

async function readStoreSecret(secret: SecretsStoreSecretLike): Promise<string | undefined> {
  try {
    const value = await secret.get();
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `SecretsPort` over `env`: strings (Workers Secrets, `.dev.vars`) and Secrets Store bindings both work.
 * Anything else on `env` under that name (a KV namespace, a number) reads as unset.
 *
 * @example
 * const secrets = envSecrets(env);
 * await secrets.get("ANTHROPIC_API_KEY");
 */
export function envSecrets(env: object): SecretsPort {
  const source = env as Record<string, unknown>;
  return {
    async get(name) {
      const value = source[name];
      if (typeof value === "string") return value === "" ? undefined : value;
      if (isStoreSecret(value)) return readStoreSecret(value);
      return undefined;
    },
  };
}

/**
 * Names of secrets found in a wrangler config's `vars` (top level and every `env.<name>.vars`).
 * `vars` are committed to the repository and shown in the dashboard: a key there has leaked.
 *
 * @example
 * expect(findSecretsInVars(JSON.parse(readFileSync("wrangler.json", "utf8")))).toEqual([]);
 */
export function findSecretsInVars(
  config: { vars?: Record<string, unknown>; env?: Record<string, { vars?: Record<string, unknown> }> },
  names: readonly string[] = SECRET_NAMES,
): string[] {
  const found: string[] = [];
  const scan = (vars: Record<string, unknown> | undefined, where: string) => {
    for (const name of Object.keys(vars ?? {})) if (names.includes(name)) found.push(`${where}${name}`);
  };
  scan(config.vars, "vars.");
  for (const [envName, section] of Object.entries(config.env ?? {}))
    scan(section.vars, `env.${envName}.vars.`);
  return found;
}
