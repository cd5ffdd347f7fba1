/** The response cache: Upstash Redis through `@sluice/upstash`, one string per entry with Redis's expiry. */
export { upstashCache, type UpstashCacheOptions } from "@sluice/upstash";
