/**
 * @module Deprecated: the Upstash stores moved to `@sluice/upstash`, which every runtime can import without
 * this adapter. This entry re-exports it and goes away in a later release.
 */
export * from "@sluice/upstash";
