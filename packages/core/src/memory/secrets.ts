import type { SecretsPort } from "../ports/secrets.js";

/** Secrets from a plain object: tests and local demos. */
export function memorySecrets(values: Record<string, string | undefined>): SecretsPort {
  return { get: (name) => values[name] };
}
