/**
 * Per-key usage counters (`GET /_sluice/usage`) must add atomically, and Fastly's KV Store cannot: it has no
 * increment, and `@fastly/js-compute` gives no way to read an entry's generation for a compare-and-swap (see
 * the README). So Fastly's usage store is Upstash Redis through `@sluice/upstash`, reached through a backend.
 */
export { upstashUsageStore, type UpstashUsageOptions } from "@sluice/upstash";
