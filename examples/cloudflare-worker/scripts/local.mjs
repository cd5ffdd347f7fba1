// Runs this example under `wrangler dev` for the tests and the demo: a free port on 127.0.0.1, a fresh
// `--persist-to` directory (so rate-limit counters and sessions never carry over), secrets from a temporary
// env file (never `[vars]`), settings as `--var`. Everything is removed again by `stop()`.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const exampleDir = dirname(dirname(fileURLToPath(import.meta.url)));
// wrangler's package.json is exported; its bin is not, so find the bin next to it.
const wranglerBin = join(
  dirname(createRequire(join(exampleDir, "package.json")).resolve("wrangler/package.json")),
  "bin",
  "wrangler.js",
);

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * `objects` are put into the local R2 bucket first (`wrangler r2 object put --local`), as a user would.
 *
 * @param {{
 *   secrets?: Record<string, string>,
 *   vars?: Record<string, string>,
 *   objects?: Record<string, { file: string, contentType: string }>,
 *   readyTimeoutMs?: number,
 *   cwd?: string,
 *   testScheduled?: boolean,
 * }} options
 * @returns {Promise<{ url: string, output: () => string, logFiles: string, state: string, stop: () => Promise<void> }>}
 */
export async function startWranglerDev({
  secrets = {},
  vars = {},
  objects = {},
  readyTimeoutMs = 60_000,
  // Another Worker folder (its own wrangler config), e.g. a README snippet; default: this example.
  cwd = exampleDir,
  // `--test-scheduled`: GET /__scheduled?cron=… runs the Worker's scheduled handler (cron triggers).
  testScheduled = false,
} = {}) {
  const dir = await mkdtemp(join(tmpdir(), "sluice-cf-"));
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: join(dir, "logs"),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  for (const [key, { file, contentType }] of Object.entries(objects)) {
    await run(
      [
        "r2",
        "object",
        "put",
        `sluice-objects/${key}`,
        "--file",
        file,
        "--content-type",
        contentType,
        "--local",
        "--persist-to",
        join(dir, "state"),
      ],
      env,
    );
  }
  const envFile = join(dir, "secrets.env");
  await writeFile(
    envFile,
    Object.entries(secrets)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(""),
    { mode: 0o600 },
  );
  const port = await freePort();
  const args = [
    wranglerBin,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    join(dir, "state"),
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
    ...(testScheduled ? ["--test-scheduled"] : []),
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  let output = "";
  const child = spawn(process.execPath, args, {
    cwd,
    // Its own process group, so stop() ends wrangler and the workerd it started together.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    signal("SIGTERM");
    // Wait for the whole group (wrangler and its workerd) to be gone, not just wrangler; then force it.
    for (let waited = 0; groupAlive() && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (groupAlive()) signal("SIGKILL");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    await rm(dir, { recursive: true, force: true });
  }
  function signal(name) {
    try {
      process.kill(-child.pid, name);
    } catch {}
  }
  function groupAlive() {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev was not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, output: () => output, logFiles: join(dir, "logs"), state: join(dir, "state"), stop };
}

/** One wrangler command to its end; rejects with its output when it fails. */
function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      cwd: exampleDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`wrangler ${args.join(" ")} failed:\n${output}`)),
    );
  });
}
