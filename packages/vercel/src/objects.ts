/**
 * @module An S3-compatible ObjectStore for long context (AWS S3, Cloudflare R2, MinIO, Backblaze B2…),
 * signed with `aws4fetch` on nothing but `fetch` and Web Crypto.
 */
import type { ObjectStore } from "@sluice/core";
import { objectKeyProblem } from "@sluice/core/adapter";
import { AwsClient } from "aws4fetch";

export interface S3ObjectsOptions {
  /** The bucket's URL, path-style: "https://s3.us-east-1.amazonaws.com/my-bucket". */
  bucketUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Signing region. Default "auto" (R2); AWS needs the bucket's region. */
  region?: string;
  /** Prepended to every object key. Default "". */
  prefix?: string;
}

/**
 * @example
 * ```ts
 * import { s3Objects } from "@sluice/vercel/s3";
 * const objects = s3Objects({ bucketUrl, accessKeyId, secretAccessKey, region: "us-east-1" });
 * createGateway({ secrets, stores: { objects } });
 * ```
 */
export function s3Objects(options: S3ObjectsOptions): ObjectStore {
  const aws = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    region: options.region ?? "auto",
    service: "s3",
  });
  const base = options.bucketUrl.replace(/\/+$/, "");
  const objectUrl = (key: string) => {
    // A URL resolves `..`: a key that is not one literal path could reach outside its prefix.
    const problem = objectKeyProblem(key);
    if (problem) throw new TypeError(`Refused object key "${key}": ${problem}.`);
    return `${base}/${((options.prefix ?? "") + key).split("/").map(encodeURIComponent).join("/")}`;
  };

  async function ok(response: Response, what: string): Promise<Response> {
    if (response.ok) return response;
    await response.body?.cancel();
    throw new Error(`S3 ${what} failed with HTTP ${response.status}`);
  }

  return {
    async get(key) {
      const response = await aws.fetch(objectUrl(key), { method: "GET" });
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      await ok(response, "GET");
      const contentType = response.headers.get("content-type") ?? undefined;
      const length = response.headers.get("content-length");
      if (length !== null && response.body) {
        return { body: response.body, size: Number(length), contentType };
      }
      // No length (chunked): buffer it, since the port promises a size.
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { body: new Response(bytes).body!, size: bytes.byteLength, contentType };
    },
    async put(key, value, putOptions) {
      const body = typeof value === "string" ? new TextEncoder().encode(value) : value;
      const headers: Record<string, string> = {};
      if (putOptions?.contentType) headers["content-type"] = putOptions.contentType;
      await ok(
        await aws.fetch(objectUrl(key), { method: "PUT", headers, body: body as Uint8Array<ArrayBuffer> }),
        "PUT",
      );
    },
    async delete(key) {
      const response = await aws.fetch(objectUrl(key), { method: "DELETE" });
      if (response.status !== 404) await ok(response, "DELETE");
      else await response.body?.cancel();
    },
    async presignUpload(key, expiresInSeconds) {
      const url = new URL(objectUrl(key));
      url.searchParams.set("X-Amz-Expires", String(Math.max(1, Math.floor(expiresInSeconds))));
      const signed = await aws.sign(url.toString(), { method: "PUT", aws: { signQuery: true } });
      return signed.url;
    },
  };
}
