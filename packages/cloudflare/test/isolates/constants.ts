/** lease-isolates.test.ts: the client key both auxiliary Workers accept, and its bucket (no refill in a day). */
export const ISOLATES_CLIENT_KEY = "sk-sluice-test-isolates";
export const ISOLATES_BUCKET = 100;
/** The lease both Workers use: up to 16 tokens each, given back after 500 ms unused. */
export const ISOLATES_LEASE = { size: 16, ttlMs: 500 };
