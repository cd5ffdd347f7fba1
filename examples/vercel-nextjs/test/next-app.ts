/**
 * The app as Vercel's own tooling runs it, minus the cloud: `next build`, then `next start` on a loopback
 * port with the environment a test chooses. Nothing is downloaded (telemetry off, no fonts, every type package
 * declared, so `next build` never runs an install).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const next = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));

/** The process environment without any setting the app reads, so only what a test passes reaches it. */
function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(SLUICE_|UPSTASH_|KV_|ANTHROPIC_|OPENAI_|GEMINI_|GROQ_|CEREBRAS_)/.test(name),
    ),
  );
  return { ...inherited, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...vars };
}

export async function buildApp(): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [next, "build"], {
    cwd: appDir,
    env: cleanEnv({}),
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout + stderr;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningApp {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Everything the server printed (the function logs), in order. */
  output: string[];
  stop(): Promise<void>;
}

/** `next start` with `vars` as its whole Sluice environment; resolves once it answers `/healthz` at all. */
export async function startApp(vars: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [next, "start", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: appDir, env: cleanEnv(vars), stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output.join("\n")}`);
    // Any answer means it is serving (a misconfigured app answers /healthz with its 500).
    const up = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
    if (up) return { url, output, stop };
    if (attempt > 600) {
      await stop();
      throw new Error(`next start did not answer /healthz:\n${output.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
