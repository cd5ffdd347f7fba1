/**
 * `s3Objects` against a real S3-compatible server (S3rver, which checks SigV4 signatures): core's objects
 * contract, a presigned upload, a wrong secret refused, and object keys confined to their prefix.
 */
import { objectsContract } from "@sluice/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { s3Objects } from "../src/index.js";
import { S3RVER_CREDENTIALS, startS3rver } from "./tooling/s3-server.mjs";

const server = await startS3rver();
afterAll(() => server.close());
const options = {
  endpoint: server.endpoint,
  bucket: server.bucket,
  region: "us-east-1",
  ...S3RVER_CREDENTIALS,
};
const store = s3Objects(options);

describe("s3Objects on S3rver", () => {
  for (const c of objectsContract(() => store)) it(c.name, () => c.run());

  it("a prefix keeps every object under it", async () => {
    const prefixed = s3Objects({ ...options, prefix: "ctx/" });
    await prefixed.put("a.txt", "under the prefix");
    expect(await new Response((await store.get("ctx/a.txt"))!.body).text()).toBe("under the prefix");
  });

  it("virtual-hosted style puts the bucket in the host name", async () => {
    const hosted = s3Objects({ ...options, endpoint: "https://s3.example.com", virtualHosted: true });
    const url = new URL(await hosted.presignUpload!("a b.txt", 60));
    expect(`${url.origin}${url.pathname}`).toBe(`https://${server.bucket}.s3.example.com/a%20b.txt`);
  });

  it("a presigned URL accepts an unauthenticated PUT", async () => {
    const url = await store.presignUpload!("uploads/big context.txt", 60);
    expect(url).toContain("X-Amz-Signature=");
    const put = await fetch(url, { method: "PUT", body: "uploaded ✓" });
    await put.body?.cancel();
    expect(put.status).toBe(200);
    const found = await store.get("uploads/big context.txt");
    expect(found?.size).toBe(Buffer.byteLength("uploaded ✓"));
    expect(await new Response(found!.body).text()).toBe("uploaded ✓");
  });

  it("a wrong secret is refused by the server, and the error does not repeat it", async () => {
    const secret = "wrong-secret-value-0001";
    const error = await s3Objects({ ...options, secretAccessKey: secret })
      .put("x", "y")
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(error?.message).toMatch(/HTTP 403/);
    expect(error?.message).not.toContain(secret);
  });
});

describe("the README's snippet", () => {
  it("builds the store from S3_* variables and a gateway with it", async () => {
    Object.assign(process.env, {
      S3_ENDPOINT: server.endpoint,
      S3_BUCKET: server.bucket,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    });
    const { objects, gateway } = await import("./readme/objects.js");
    await objects.put("readme.txt", "from the README");
    expect(await new Response((await store.get("readme.txt"))!.body).text()).toBe("from the README");
    expect((await gateway.fetch(new Request("http://gateway.test/healthz"))).status).toBe(200);
  });
});

describe("object keys are confined (no traversal after decoding and normalization)", () => {
  it.each([
    "uploads/key_a/../key_b/secret.txt",
    "shared/../requests/log.jsonl",
    "uploads/key_a/%2e%2e/key_b/secret.txt",
    "uploads/key_a%2F..%2Fkey_b/secret.txt",
    "uploads/key_a/..\\key_b/secret.txt",
    "uploads//key_b/secret.txt",
  ])("refuses %j without reading another prefix", async (key) => {
    await store.put("uploads/key_b/secret.txt", "bob's secret");
    await store.put("requests/log.jsonl", "request log");
    await expect(store.get(key)).rejects.toThrow(/Refused object key/);
    await expect(store.put(key, "overwrite")).rejects.toThrow(/Refused object key/);
    expect(await new Response((await store.get("uploads/key_b/secret.txt"))!.body).text()).toBe(
      "bob's secret",
    );
  });
});
