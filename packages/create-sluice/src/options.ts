/** What a user can choose: a runtime, the providers, the features; and the checks that keep choices valid. */

export const RUNTIMES = ["cloudflare", "deno", "fastly", "node", "vercel"] as const;
export type Runtime = (typeof RUNTIMES)[number];

import { PROVIDERS, type Provider } from "./providers.js";

export { PROVIDERS, type Provider };

/** Features, each with what it costs in setup. `keys` needs `rate-limit` (budgets live in the limiter's store). */
export const FEATURES = {
  "rate-limit": "per-key rate limits (SLUICE_RATE_LIMIT)",
  cache: "exact-match cache of non-streamed answers",
  metrics: "one metric point per call",
  keys: "managed client keys, budgets and usage (admin API behind SLUICE_ADMIN_KEY)",
} as const;
export type Feature = keyof typeof FEATURES;

export const DEFAULT_PROVIDERS: Provider[] = ["anthropic", "openai"];
export const DEFAULT_FEATURES: Feature[] = ["rate-limit", "cache", "metrics"];

export interface Choices {
  /** The project folder's name (also the Worker / service name). */
  name: string;
  runtime: Runtime;
  providers: Provider[];
  features: Feature[];
}

/** A mistake in the user's choices; the CLI prints the message and exits 2. */
export class UsageError extends Error {}

function pick<T extends string>(kind: string, allowed: readonly T[], values: string[]): T[] {
  const unknown = values.filter((value) => !allowed.includes(value as T));
  if (unknown.length > 0) {
    throw new UsageError(`Unknown ${kind} ${unknown.join(", ")}: choose from ${allowed.join(", ")}.`);
  }
  // Keep the canonical order, drop repeats.
  return allowed.filter((value) => values.includes(value));
}

/** Validates raw choices (flags or answers) into `Choices`; throws `UsageError` saying what to write. */
export function checkChoices(raw: {
  name: string;
  runtime: string;
  providers: string[];
  features: string[];
}): Choices {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(raw.name)) {
    throw new UsageError(
      `"${raw.name}" cannot be a project name: use lowercase letters, digits and dashes (e.g. my-gateway).`,
    );
  }
  const [runtime] = pick("runtime", RUNTIMES, [raw.runtime]);
  if (!runtime) throw new UsageError(`Choose a runtime: --runtime ${RUNTIMES.join("|")}.`);
  const providers = pick("provider", Object.keys(PROVIDERS) as Provider[], raw.providers);
  if (providers.length === 0)
    throw new UsageError("Choose at least one provider, e.g. --providers anthropic,openai.");
  const features = pick("feature", Object.keys(FEATURES) as Feature[], raw.features);
  if (features.includes("keys") && !features.includes("rate-limit")) {
    throw new UsageError(
      "The keys feature keeps budgets in the rate-limit store: add rate-limit to --features.",
    );
  }
  return { name: raw.name, runtime, providers, features };
}
