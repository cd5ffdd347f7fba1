/** `@sluice/s3` as `@sluice/deno` exports it, under `deno test` against a real S3-compatible server (S3rver, in a Node child process). */
import { objectsContract } from "@sluice/core/testing";
import { s3Objects } from "../../src/index.ts";
import { assert, assertEquals } from "./assert.ts";

const server = new Deno.Command("node", {
  args: [new URL("../../../s3/test/tooling/s3-server.mjs", import.meta.url).pathname],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
let first = "";
while (!first.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error(`the S3 server did not start: ${first}`);
  first += value;
}
// Nothing else is printed; stop reading so stdout holds no resource open.
await reader.cancel();
const { endpoint, bucket } = JSON.parse(first) as { endpoint: string; bucket: string };
// S3rver's built-in account; it checks SigV4 signatures against this secret.
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const store = s3Objects({ endpoint, bucket, region: "us-east-1", ...credentials });
const opts = { sanitizeOps: false, sanitizeResources: false };

for (const c of objectsContract(() => store)) Deno.test({ name: c.name, fn: c.run, ...opts });

Deno.test({
  name: "objects: a presigned URL accepts an unauthenticated PUT",
  ...opts,
  async fn() {
    const key = `presign/${crypto.randomUUID()}.bin`;
    const url = await store.presignUpload!(key, 60);
    const put = await fetch(url, { method: "PUT", body: "uploaded directly" });
    await put.body?.cancel();
    assertEquals(put.status, 200, "PUT to the presigned URL");
    const found = await store.get(key);
    assert(found, "the uploaded object is there");
    assertEquals(await new Response(found.body).text(), "uploaded directly", "content");
    await store.delete!(key);
    assertEquals(await store.get(key), null, "deleted");
  },
});

Deno.test({
  name: "objects: a wrong secret is refused by the server, and the error does not repeat the secret",
  ...opts,
  async fn() {
    const secret = "wrong-secret-value-0001";
    const bad = s3Objects({
      endpoint,
      bucket,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: secret,
    });
    const error = await bad.put("x", "y").then(
      () => null,
      (e: Error) => e,
    );
    assert(error, "a bad signature must fail");
    assert(/HTTP 403/.test(error.message), `expected a 403, got ${error.message}`);
    assert(!error.message.includes(secret), "the secret is not in the error");
  },
});

globalThis.addEventListener("unload", () => {
  try {
    server.kill("SIGTERM");
  } catch {
    // Already gone.
  }
});
