import type { SecretsPort } from "@sluice/core";

/**
 * Secrets from `process.env`, which Vercel fills from the project's Environment Variables on both the
 * Edge and Node runtimes. Read lazily on each `get`, never copied, and never read at import time.
 *
 * @example
 * ```ts
 * createGateway({ secrets: envSecrets() });
 * ```
 */
export function envSecrets(env?: Record<string, string | undefined>): SecretsPort {
  return {
    get(name) {
      const source =
        env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
      const value = source?.[name];
      return value === "" ? undefined : value;
    },
  };
}
