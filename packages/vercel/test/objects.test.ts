/**
 * The S3-compatible ObjectStore inside the EdgeRuntime VM, against s3rver: an S3 API emulator that stores
 * objects on disk. It stands in for S3/R2, which cannot be reached from here. s3rver checks the access key
 * id but does NOT verify SigV4 signatures, so signing itself is trusted to aws4fetch, not proven here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import S3rver from "s3rver";
import { afterAll, describe, expect, it } from "vitest";
import { bundleForEdge, startEdgeVm } from "./tooling/edge-vm.js";

const directory = mkdtempSync(join(tmpdir(), "sluice-s3-"));
const s3 = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory,
  configureBuckets: [{ name: "sluice" }],
});
const address: AddressInfo = await s3.run();
afterAll(async () => {
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

const options = {
  bucketUrl: `http://127.0.0.1:${address.port}/sluice`,
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
  region: "us-east-1",
  prefix: "ctx/",
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

  it("reports a refused request as an error (unknown access key id)", async () => {
    await expect(objects.put({ ...options, accessKeyId: "NOBODY" }, "denied.txt", "x")).rejects.toThrow(
      /403/,
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
