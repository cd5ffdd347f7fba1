/** Object keys stay inside their prefix on a real S3-compatible server (S3rver): traversal is refused, not resolved. */
import { s3Objects } from "../../src/index.ts";
import { assertEquals } from "./assert.ts";

const server = new Deno.Command("node", {
  args: [new URL("../s3-server.mjs", import.meta.url).pathname],
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
await reader.cancel();
const { endpoint, bucket } = JSON.parse(first) as { endpoint: string; bucket: string };
const store = s3Objects({
  endpoint,
  bucket,
  region: "us-east-1",
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
});
const opts = { sanitizeOps: false, sanitizeResources: false };

const TRAVERSALS = [
  "uploads/key_a/../key_b/secret.txt",
  "shared/../requests/log.jsonl",
  "uploads/key_a/%2e%2e/key_b/secret.txt",
  "uploads/key_a%2F..%2Fkey_b/secret.txt",
  "uploads/key_a/..\\key_b/secret.txt",
  "uploads//key_b/secret.txt",
];

for (const key of TRAVERSALS) {
  Deno.test({
    name: `objects: ${JSON.stringify(key)} is refused, not resolved to another prefix`,
    ...opts,
    async fn() {
      await store.put("uploads/key_b/secret.txt", "bob's secret");
      const outcome = await store.get(key).then(
        (found) => (found ? "read another object" : "null"),
        (error: Error) => error.message,
      );
      assertEquals(outcome.startsWith("Refused object key"), true, `get(${key}) → ${outcome}`);
    },
  });
}

Deno.test({
  name: "objects: stop the S3 server",
  ...opts,
  async fn() {
    server.kill("SIGTERM");
    await server.status;
  },
});
