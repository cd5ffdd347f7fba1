#!/usr/bin/env node
// `sluice-fake-upstream [--port N] [--host H] [--help]`: runs the fake in its own process for demos and
// cross-process tests. Prints exactly one JSON line ({"url","baseUrls"}) once listening, so a
// parent process can read the first line of stdout and know where to point its gateway.
import { parseArgs } from "node:util";
import { startFakeUpstream } from "./server.js";

const USAGE = `Usage: sluice-fake-upstream [--port N] [--host H]

Starts the fake LLM providers (Anthropic, OpenAI, Gemini, Groq, Cerebras) and prints one JSON line,
{"url":…,"baseUrls":{…}}, once listening. Stops on SIGTERM or SIGINT.

Options:
  --port N   port to listen on (default 0: any free port)
  --host H   address to bind (default 127.0.0.1)
  -h, --help print this help and exit
`;

function parse() {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    // An unknown flag is a usage mistake, not a crash: say what was wrong and how to call it.
    process.stderr.write(`sluice-fake-upstream: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const values = parse();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
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
