/** Per-key usage counters (`GET /_sluice/usage`): Upstash Redis through `@sluice/upstash`, one atomic script per call. */
export { upstashUsageStore, type UpstashUsageOptions } from "@sluice/upstash";
