/**
 * Managed client keys (the admin API): Upstash Redis through `@sluice/upstash`. Plain lookups read the nearest
 * replica; `{ primaryLookups: true }` makes a revocation hold in every region from the next request.
 */
export { upstashKeyStore, type UpstashKeyStore, type UpstashKeyStoreOptions } from "@sluice/upstash";
