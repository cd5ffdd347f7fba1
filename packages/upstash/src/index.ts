/**
 * @module Sluice's stores over the Upstash REST API (rate limits, response cache, managed client keys, usage
 * counters) and `redisFromEnv`. Runtime-neutral: from any runtime with `fetch` (Vercel, Cloudflare, Deno,
 * Fastly, Node) as the strongly consistent state. The stores themselves are `@sluice/redis`'s.
 */
export {
  upstashCache,
  upstashKeyStore,
  upstashRateLimitStore,
  upstashUsageStore,
  type UpstashCacheOptions,
  type UpstashKeyStore,
  type UpstashKeyStoreOptions,
  type UpstashRateLimitOptions,
  type UpstashUsageOptions,
} from "./stores.js";
export { upstashCommands, type UpstashRedis, type UpstashTransaction } from "./client.js";
export { redisFromEnv } from "./from-env.js";
export { ConfigurationError } from "@sluice/core/adapter";
export { BUCKET_SCRIPT } from "@sluice/redis";
