/**
 * The counters store (rate limits, budgets, the breaker): Upstash Redis, the strongly consistent store the
 * Vercel Marketplace connects, through `@sluice/upstash` (the Lua token bucket on Redis's clock).
 */
export { upstashRateLimitStore, type UpstashRateLimitOptions } from "@sluice/upstash";
