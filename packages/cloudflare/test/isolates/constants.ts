/** lease-isolates.test.ts: the client key both auxiliary Workers accept, and its bucket (no refill in a day). */
export const ISOLATES_CLIENT_KEY = "sk-sluice-test-isolates";
/** A second key, its own bucket of the same size, for the Workers' default configuration (leasing "auto"). */
export const ISOLATES_DEFAULT_CLIENT_KEY = "sk-sluice-test-isolates-default";
/** What "auto" gives back unused tokens after (the default `ttlMs`). */
export const DEFAULT_LEASE_TTL_MS = 1000;
export const ISOLATES_BUCKET = 100;
/** The lease both Workers use: up to 16 tokens each, given back after 500 ms unused. */
export const ISOLATES_LEASE = { size: 16, ttlMs: 500 };
