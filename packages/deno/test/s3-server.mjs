// A real S3-compatible server (S3rver: SigV4 checked, objects on disk) for the object store tests.
// Prints one JSON line {"endpoint","bucket"} once listening; stops on SIGTERM and removes its directory.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const S3rver = createRequire(import.meta.url)("@20minutes/s3rver");
const directory = mkdtempSync(join(tmpdir(), "sluice-s3-"));
const bucket = "sluice-test";
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${port}`, bucket })}\n`);
const stop = () => {
  server.close(() => {
    rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
