/**
 * @module Upstash Redis ports for Sluice (rate limits, response cache, managed client keys, usage counters).
 * No Vercel imports: use them from any runtime with `fetch` (Cloudflare, Deno, Fastly, Node) as the strongly
 * consistent state.
 */
export { upstashRateLimitStore, type ScriptRunner, type UpstashRateLimitOptions } from "./rate-limit.js";
export { upstashCache, type CacheCommands, type UpstashCacheOptions } from "./cache.js";
export {
  upstashKeyStore,
  type KeyStoreCommands,
  type UpstashKeyStore,
  type UpstashKeyStoreOptions,
} from "./keys.js";
export { upstashUsageStore, type UsageCommands, type UpstashUsageOptions } from "./usage.js";
export { BUCKET_SCRIPT } from "./bucket-script.js";
