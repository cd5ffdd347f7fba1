/** The `ObjectStore` port over an S3-compatible API, one object per key, signed by `aws4fetch` (Web Crypto). */
import type { ObjectStore } from "@sluice/core";
import { objectKeyProblem } from "@sluice/core/adapter";
import { AwsClient } from "aws4fetch";

export interface S3ObjectsOptions {
  /** The S3 API endpoint, e.g. `https://<account>.r2.cloudflarestorage.com` or `https://s3.us-east-1.amazonaws.com`. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary credentials (AWS STS). */
  sessionToken?: string;
  /** Signing region. Default "auto" (R2); AWS needs the bucket's region. */
  region?: string;
  /** `https://bucket.host/key` instead of `https://host/bucket/key`. Default false (path style). */
  virtualHosted?: boolean;
  /** Prepended to every object key, e.g. "sluice/". Default "". */
  prefix?: string;
}

/** Encodes each path segment the way SigV4 canonicalises it, keeping the slashes. */
const encodeKey = (key: string) =>
  key
    .split("/")
    .map((part) =>
      encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");

/**
 * Objects in any S3-compatible store. Errors name the status and key, never the credentials.
 *
 * @example
 * const objects = s3Objects({
 *   endpoint: "https://s3.us-east-1.amazonaws.com", bucket: "sluice", region: "us-east-1",
 *   accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY,
 * });
 * createGateway({ secrets, stores: { objects } });
 */
export function s3Objects(options: S3ObjectsOptions): ObjectStore {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    service: "s3",
    region: options.region ?? "auto",
  });
  const base = new URL(options.endpoint);
  const prefix = options.prefix ?? "";
  const urlOf = (key: string) => {
    // A URL resolves `..`: a key that is not one literal path could reach outside its prefix.
    const problem = objectKeyProblem(key);
    if (problem) throw new TypeError(`Refused object key "${key}": ${problem}.`);
    const url = new URL(base);
    const path = encodeKey(prefix + key);
    if (options.virtualHosted) {
      url.hostname = `${options.bucket}.${url.hostname}`;
      url.pathname = `/${path}`;
    } else url.pathname = `${url.pathname.replace(/\/$/, "")}/${options.bucket}/${path}`;
    return url.toString();
  };
  const failed = async (response: Response, action: string, key: string) => {
    await response.body?.cancel();
    return new Error(`S3 ${action} of "${key}" failed with HTTP ${response.status}.`);
  };

  return {
    async get(key) {
      const response = await client.fetch(urlOf(key), { method: "GET" });
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok || !response.body) throw await failed(response, "GET", key);
      const contentType = response.headers.get("content-type") ?? undefined;
      const length = response.headers.get("content-length");
      // No length (a chunked answer): buffer it, since the port promises a size.
      const bytes = length === null ? new Uint8Array(await response.arrayBuffer()) : undefined;
      return {
        body: bytes ? new Response(bytes).body! : response.body,
        size: bytes ? bytes.byteLength : Number(length),
        ...(contentType ? { contentType } : {}),
      };
    },
    async put(key, value, putOptions) {
      const body = typeof value === "string" ? new TextEncoder().encode(value) : value;
      const response = await client.fetch(urlOf(key), {
        method: "PUT",
        // A typed array is a valid body at run time; TS only objects to a SharedArrayBuffer in the type.
        body: body as Uint8Array<ArrayBuffer>,
        headers: { "content-type": putOptions?.contentType ?? "application/octet-stream" },
      });
      if (!response.ok) throw await failed(response, "PUT", key);
      await response.body?.cancel();
    },
    async delete(key) {
      const response = await client.fetch(urlOf(key), { method: "DELETE" });
      if (!response.ok && response.status !== 404) throw await failed(response, "DELETE", key);
      await response.body?.cancel();
    },
    async presignUpload(key, expiresInSeconds) {
      const url = new URL(urlOf(key));
      // S3 accepts 1 s to 7 days.
      url.searchParams.set(
        "X-Amz-Expires",
        String(Math.max(1, Math.min(604_800, Math.round(expiresInSeconds)))),
      );
      const signed = await client.sign(url.toString(), { method: "PUT", aws: { signQuery: true } });
      return signed.url;
    },
  };
}
