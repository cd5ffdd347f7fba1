/**
 * `@sluice/s3` as `@sluice/vercel` exports it, inside the EdgeRuntime VM (web APIs only), against S3rver: an
 * S3 API emulator that checks SigV4 signatures and stores objects on disk, standing in for S3/R2.
 */
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { S3RVER_CREDENTIALS, startS3rver } from "../../s3/test/tooling/s3-server.mjs";
import { bundleForEdge, startEdgeVm } from "./tooling/edge-vm.js";

const s3 = await startS3rver();
afterAll(() => s3.close());

const options = {
  endpoint: s3.endpoint,
  bucket: s3.bucket,
  region: "us-east-1",
  prefix: "ctx/",
  ...S3RVER_CREDENTIALS,
};
type Objects = {
  names(): string[];
  run(name: string, o: object): Promise<void>;
  presign(o: object, key: string): Promise<string>;
  read(o: object, key: string): Promise<{ size: number; text: string } | null>;
  put(o: object, key: string, text: string): Promise<void>;
};
const code = await bundleForEdge(fileURLToPath(new URL("./fixtures/objects-entry.ts", import.meta.url)));
const objects = startEdgeVm(code).runtime.evaluate<Objects>("globalThis.__objects");

describe("S3-compatible ObjectStore in EdgeRuntime (s3rver)", () => {
  for (const name of objects.names()) it(name, () => objects.run(name, options));

  it("reports a refused request as an error (a wrong secret, so a wrong signature)", async () => {
    await expect(objects.put({ ...options, secretAccessKey: "wrong" }, "denied.txt", "x")).rejects.toThrow(
      /HTTP 403/,
    );
  });

  it("presigns an upload URL a client can PUT to directly", async () => {
    const url = await objects.presign(options, "uploads/big context.txt");
    expect(url).toContain("X-Amz-Signature=");
    const put = await fetch(url, { method: "PUT", body: "uploaded ✓" });
    expect(put.status).toBe(200);
    expect(await objects.read(options, "uploads/big context.txt")).toEqual({
      size: Buffer.byteLength("uploaded ✓"),
      text: "uploaded ✓",
    });
  });
});
