/**
 * Where provider keys and other secrets come from. Adapters read their platform's secret store
 * (Workers Secrets, `Deno.env`, Fastly Secret Store, `process.env` on Vercel); core never reads a global.
 */
export interface SecretsPort {
  /** The secret's value, or `undefined` when it is not set. Never log what this returns. */
  get(name: string): string | undefined | Promise<string | undefined>;
}
