/** Long-context objects: any S3-compatible bucket (AWS S3, Cloudflare R2's S3 API, MinIO) through `@sluice/s3`. */
export { s3Objects, type S3ObjectsOptions } from "@sluice/s3";
