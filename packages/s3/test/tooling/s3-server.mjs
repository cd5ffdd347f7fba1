// A real S3-compatible server (S3rver: SigV4 checked, objects on disk) for the object store tests, in this
// process (`startS3rver()`, vitest) or as a child process (`node s3-server.mjs`, for `deno test`: it prints one
// JSON line {"endpoint","bucket"} once listening, and stops on SIGTERM).
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const S3rver = createRequire(import.meta.url)("@20minutes/s3rver");

/** S3rver's built-in account; it checks SigV4 signatures against this secret. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export async function startS3rver(bucket = "sluice-test") {
  const directory = mkdtempSync(join(tmpdir(), "sluice-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          rmSync(directory, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { endpoint, bucket, close } = await startS3rver();
  process.stdout.write(`${JSON.stringify({ endpoint, bucket })}\n`);
  const stop = () => {
    void close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
