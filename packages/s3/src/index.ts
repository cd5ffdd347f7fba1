/**
 * @module Sluice's ObjectStore over any S3-compatible API (AWS S3, Cloudflare R2, MinIO, Backblaze B2, Tigris),
 * SigV4-signed with nothing but `fetch` and Web Crypto, so the same store runs on Vercel, Deno, Node, Workers.
 */
export { s3Objects, type S3ObjectsOptions } from "./objects.js";
