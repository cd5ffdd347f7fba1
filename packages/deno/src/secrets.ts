import type { SecretsPort } from "@sluice/core";
import type { EnvLike } from "./env.ts";

function denoEnv(): EnvLike {
  const deno = (globalThis as { Deno?: { env: EnvLike } }).Deno;
  if (!deno) throw new TypeError("envSecrets() needs Deno: pass an `env` with get(name) elsewhere.");
  return deno.env;
}

/**
 * Secrets from `Deno.env`: on Deno Deploy these are the project's environment variables (encrypted at rest);
 * self-hosted, the process environment (run with `--allow-env`). Values are read per call, never cached or logged.
 *
 * @example
 * createGateway({ secrets: envSecrets() });
 */
export function envSecrets(env: EnvLike = denoEnv()): SecretsPort {
  return { get: (name) => env.get(name) || undefined };
}
