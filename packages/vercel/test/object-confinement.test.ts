/**
 * Object references stay inside their prefix on an S3-compatible store (s3rver): a URL resolves `..` and
 * encoded dots, so keys that are not one literal path are refused before any request is made.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { afterAll, describe, expect, it } from "vitest";
import { s3Objects } from "../src/objects.js";

const directory = mkdtempSync(join(tmpdir(), "sluice-s3-confine-"));
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

const store = s3Objects({
  bucketUrl: `http://127.0.0.1:${address.port}/sluice`,
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
  region: "us-east-1",
});

describe("S3 object keys are confined (no traversal after decoding and normalization)", () => {
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
