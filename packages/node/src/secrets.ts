import { type EnvRecord, envSecrets as secretsFrom, type SecretsPort } from "@sluice/core";

/**
 * Secrets from the process environment (`process.env` unless given another record): read per call, never
 * copied or logged. `createHandler` uses the `env` it was given.
 *
 * @example
 * createGateway({ secrets: envSecrets() });
 */
export function envSecrets(env: EnvRecord = process.env): SecretsPort {
  return secretsFrom(env);
}
