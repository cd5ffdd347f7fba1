/**
 * @module Upstash Redis ports for Sluice (rate limits and response cache). No Vercel imports: use them from
 * any runtime with `fetch` (Cloudflare, Deno, Fastly, Node) as the strongly consistent limiter.
 */
export { upstashRateLimitStore, type ScriptRunner, type UpstashRateLimitOptions } from "./rate-limit.js";
export { upstashCache, type CacheCommands, type UpstashCacheOptions } from "./cache.js";
export { BUCKET_SCRIPT } from "./bucket-script.js";
