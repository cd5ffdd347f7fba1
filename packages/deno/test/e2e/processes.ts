/** Starts the fake upstream (Node) and the Deno Deploy example (`deno serve`) as real child processes. */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** The real binary, not the node_modules/.bin shim: a signal to the shim would orphan Deno. */
export const DENO = join(dirname(createRequire(import.meta.url).resolve("deno/package.json")), "deno");
const FAKE_CLI = here("../../../fake-upstream/dist/cli.js");
export const EXAMPLE_DIR = here("../../../../examples/deno-deploy/");

export interface Child {
  process: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns a command and resolves once `ready` matches its output, with the match. */
export function start(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; ready: RegExp },
): Promise<{ child: Child; match: RegExpMatchArray }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: Child = {
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void handle.stop();
      reject(new Error(`${command} did not start in time:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = output.match(options.ready);
      if (match && timer) {
        clearTimeout(timer);
        resolve({ child: handle, match });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${output}`));
    });
  });
}

export interface Stack {
  fake: Child;
  deno: Child;
  fakeUrl: string;
  gatewayUrl: string;
  stop: () => Promise<void>;
}

/**
 * The fake upstream and `examples/deno-deploy/main.ts` under `deno serve` (real Deno, real Deno KV in memory),
 * with the example's environment pointed at the fake and `env` on top.
 */
export async function startStack(
  env: Record<string, string>,
  fakeKeys: Record<string, string>,
): Promise<Stack> {
  const started = await start(process.execPath, [FAKE_CLI, "--port", "0"], { ready: /^(\{.*\})\n/m });
  const fake = started.child;
  const { url, baseUrls } = JSON.parse(started.match[1]!) as {
    url: string;
    baseUrls: Record<string, string>;
  };
  const served = await start(
    DENO,
    ["serve", "--host", "127.0.0.1", "--port", "0", "--allow-net", "--allow-env", "main.ts"],
    {
      cwd: EXAMPLE_DIR,
      ready: /Listening on (http:\/\/127\.0\.0\.1:\d+)/,
      env: {
        SLUICE_KV_PATH: ":memory:",
        ANTHROPIC_API_KEY: fakeKeys.anthropic!,
        OPENAI_API_KEY: fakeKeys.openai!,
        ANTHROPIC_BASE_URL: baseUrls.anthropic!,
        OPENAI_BASE_URL: baseUrls.openai!,
        ...env,
      },
    },
  ).catch(async (error) => {
    await fake.stop();
    throw error;
  });
  const deno = served.child;
  return {
    fake,
    deno,
    fakeUrl: url,
    gatewayUrl: served.match[1]!,
    async stop() {
      await deno.stop();
      await fake.stop();
    },
  };
}
