/**
 * `ObjectStore` on R2 through the Worker binding, plus pre-signed upload URLs against R2's S3-compatible
 * endpoint, signed by `aws4fetch` (SigV4 is never hand-rolled here). Signing needs an R2 API token's
 * access key pair, read from secrets, because the binding itself cannot mint URLs.
 */
import type { ObjectStore, SecretsPort } from "@sluice/core";
import { AwsClient } from "aws4fetch";

type BucketLike = Pick<R2Bucket, "get" | "put" | "delete">;

export interface R2PresignOptions {
  /** Cloudflare account id (not secret; a var is fine). */
  accountId: string;
  /** The bucket's name as created with `wrangler r2 bucket create` (the binding does not expose it). */
  bucketName: string;
  /** Where the key pair comes from. Default names: `R2_ACCESS_KEY_ID`, `R2_SECRET_ACCESS_KEY`. */
  secrets: SecretsPort;
  accessKeyIdName?: string;
  secretAccessKeyName?: string;
  /** Override the S3 endpoint (jurisdictions: `https://<account>.eu.r2.cloudflarestorage.com`). */
  endpoint?: string;
}

/** Longest validity S3 SigV4 allows for a pre-signed URL: 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

const encoder = new TextEncoder();

/**
 * @example
 * const objects = r2Objects(env.OBJECTS, {
 *   presign: { accountId: env.R2_ACCOUNT_ID, bucketName: "sluice-objects", secrets: envSecrets(env) },
 * });
 * const url = await objects.presignUpload!("docs/report.pdf", 300);
 */
export function r2Objects(bucket: BucketLike, options: { presign?: R2PresignOptions } = {}): ObjectStore {
  const store: ObjectStore = {
    async get(key) {
      const object = await bucket.get(key);
      if (!object) return null;
      return { body: object.body, size: object.size, contentType: object.httpMetadata?.contentType };
    },
    async put(key, value, putOptions) {
      const body = typeof value === "string" ? encoder.encode(value) : value;
      await bucket.put(key, body, {
        httpMetadata: putOptions?.contentType ? { contentType: putOptions.contentType } : undefined,
      });
    },
    async delete(key) {
      await bucket.delete(key);
    },
  };
  const presign = options.presign;
  if (presign)
    store.presignUpload = (key, expiresInSeconds) => presignR2Upload(presign, key, expiresInSeconds);
  return store;
}

/**
 * A URL a client can `PUT` the object's bytes to, valid for `expiresInSeconds` (1 s – 7 days).
 * Throws naming the missing secret when the key pair is not configured (the message holds no secret).
 */
export async function presignR2Upload(
  options: R2PresignOptions,
  key: string,
  expiresInSeconds: number,
): Promise<string> {
  const idName = options.accessKeyIdName ?? "R2_ACCESS_KEY_ID";
  const secretName = options.secretAccessKeyName ?? "R2_SECRET_ACCESS_KEY";
  const [accessKeyId, secretAccessKey] = await Promise.all([
    options.secrets.get(idName),
    options.secrets.get(secretName),
  ]);
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      `Pre-signed uploads need an R2 API token: set the secrets ${idName} and ${secretName} (wrangler secret put ${!accessKeyId ? idName : secretName}).`,
    );
  }
  if (!options.accountId)
    throw new Error("Pre-signed uploads need the Cloudflare account id (R2_ACCOUNT_ID).");
  const seconds = Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.floor(expiresInSeconds)));
  const endpoint = (options.endpoint ?? `https://${options.accountId}.r2.cloudflarestorage.com`).replace(
    /\/$/,
    "",
  );
  const path = [options.bucketName, ...key.split("/")].map(encodeURIComponent).join("/");
  const url = new URL(`${endpoint}/${path}`);
  url.searchParams.set("X-Amz-Expires", String(seconds));
  const client = new AwsClient({ accessKeyId, secretAccessKey, service: "s3", region: "auto" });
  const signed = await client.sign(url.toString(), { method: "PUT", aws: { signQuery: true } });
  return signed.url;
}
