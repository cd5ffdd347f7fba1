/**
 * Long-context objects: Fastly's KV Store is eventually consistent across POPs and has no signed uploads, so
 * objects live in any S3-compatible bucket through `@sluice/s3` (its `fetch` needs a backend for the bucket's
 * host, or dynamic backends on the service).
 */
export { s3Objects, type S3ObjectsOptions } from "@sluice/s3";
