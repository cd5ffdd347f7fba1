import { objectsContract } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { envSecrets, r2Objects } from "../src/index.js";

const presign = {
  accountId: env.R2_ACCOUNT_ID,
  bucketName: env.R2_BUCKET_NAME,
  secrets: envSecrets(env),
};
const objects = r2Objects(env.OBJECTS, { presign });

describe("R2 objects: core contract (real local R2)", () => {
  for (const c of objectsContract(() => objects)) test(c.name, c.run);

  test("delete removes the object", async () => {
    const key = `delete/${crypto.randomUUID()}`;
    await objects.put(key, Uint8Array.of(1, 2));
    expect(await objects.get(key)).not.toBeNull();
    await objects.delete?.(key);
    expect(await objects.get(key)).toBeNull();
  });
});

// R2's S3 endpoint cannot run locally, so the signature is not checked by a server here: these tests check
// the URL's shape, that the secret never appears in it, and that the signature depends on what it signs.
describe("R2 objects: pre-signed uploads (aws4fetch, S3 SigV4 query signing)", () => {
  test("a URL for PUT on the bucket's S3 endpoint, with expiry and signature, holding no secret", async () => {
    const url = new URL(await objects.presignUpload!("docs/report 1.pdf", 300));
    expect(url.origin).toBe(`https://${env.R2_ACCOUNT_ID}.r2.cloudflarestorage.com`);
    expect(url.pathname).toBe(`/${env.R2_BUCKET_NAME}/docs/report%201.pdf`);
    const q = url.searchParams;
    expect(q.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(q.get("X-Amz-Expires")).toBe("300");
    expect(q.get("X-Amz-Credential")).toMatch(/^test-access-key-id\/\d{8}\/auto\/s3\/aws4_request$/);
    expect(q.get("X-Amz-SignedHeaders")).toBe("host");
    expect(q.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.toString()).not.toContain(env.R2_SECRET_ACCESS_KEY);
  });

  test("the signature changes with the key, the expiry and the secret", async () => {
    const sig = async (key: string, seconds: number, secret = env.R2_SECRET_ACCESS_KEY) => {
      const store = r2Objects(env.OBJECTS, {
        presign: {
          ...presign,
          secrets: { get: (n) => (n === "R2_SECRET_ACCESS_KEY" ? secret : "test-access-key-id") },
        },
      });
      return new URL(await store.presignUpload!(key, seconds)).searchParams.get("X-Amz-Signature");
    };
    const base = await sig("a.txt", 60);
    expect(await sig("b.txt", 60)).not.toBe(base);
    expect(await sig("a.txt", 61)).not.toBe(base);
    expect(await sig("a.txt", 60, "another-secret")).not.toBe(base);
  });

  test("expiry is clamped to 1 s – 7 days", async () => {
    const long = new URL(await objects.presignUpload!("x", 10 ** 9));
    expect(long.searchParams.get("X-Amz-Expires")).toBe(String(7 * 24 * 3600));
    const short = new URL(await objects.presignUpload!("x", 0));
    expect(short.searchParams.get("X-Amz-Expires")).toBe("1");
  });

  test("without the key pair: an error naming the missing secret, no URL", async () => {
    const store = r2Objects(env.OBJECTS, { presign: { ...presign, secrets: { get: () => undefined } } });
    await expect(store.presignUpload!("x", 60)).rejects.toThrow(/R2_ACCESS_KEY_ID/);
  });

  test("without presign options there is no presignUpload", () => {
    expect(r2Objects(env.OBJECTS).presignUpload).toBeUndefined();
  });
});
