#!/usr/bin/env node
// `sluice-fake-upstream [--port N] [--host H]`: runs the fake in its own process for demos and
// cross-process tests. Prints exactly one JSON line ({"url","baseUrls"}) once listening, so a
// parent process can read the first line of stdout and know where to point its gateway.
import { parseArgs } from "node:util";
import { startFakeUpstream } from "./server.js";

const { values } = parseArgs({
  options: { port: { type: "string", default: "0" }, host: { type: "string", default: "127.0.0.1" } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`sluice-fake-upstream: invalid --port ${values.port}\n`);
  process.exit(2);
}

const fake = await startFakeUpstream({ port, host: values.host });
process.stdout.write(`${JSON.stringify({ url: fake.url, baseUrls: fake.baseUrls })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  fake.close().then(() => process.exit(0));
  // Never hang on shutdown: open streams are destroyed by close(), this is only a backstop.
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
