/** Starts the fake upstream (Node) and the Deno Deploy example (`deno serve`) as real child processes. */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** The real binary, not the node_modules/.bin shim: a signal to the shim would orphan Deno. */
export const DENO = join(dirname(createRequire(import.meta.url).resolve("deno/package.json")), "deno");
export const FAKE_CLI = here("../../../fake-upstream/dist/cli.js");
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
