// objects.ts: the store (npm install @sluice/s3 @sluice/core)
import { createGateway, envSecrets } from "@sluice/core";
import { s3Objects } from "@sluice/s3";

export const objects = s3Objects({
  endpoint: process.env.S3_ENDPOINT!, // AWS: https://s3.us-east-1.amazonaws.com, R2: https://<account>.r2.cloudflarestorage.com
  bucket: process.env.S3_BUCKET!,
  region: process.env.S3_REGION ?? "auto", // "auto" is R2's; AWS needs the bucket's region
  accessKeyId: process.env.S3_ACCESS_KEY_ID!,
  secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
});
export const gateway = createGateway({ secrets: envSecrets(process.env), stores: { objects } });
