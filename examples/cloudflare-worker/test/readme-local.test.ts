/**
 * This example's README, "Run it locally", block by block as a user runs them (each block is a file in
 * test/readme/local/, kept equal by scripts/check-snippets.mjs), in a copy of this folder beside it so that
 * `../../packages/fake-upstream` and `pnpm exec wrangler` resolve as they do here. Only placeholders change:
 * the ports (free ones, not 8787/8788) and the key id the first admin call answers.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { replyText } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../scripts/local.mjs";
import { fill } from "./fill.js";

const example = join(import.meta.dirname, "..");
const snippets = join(import.meta.dirname, "readme", "local");
// examples/.readme-cloudflare-worker: the same depth as this folder.
const dir = join(example, "..", ".readme-cloudflare-worker");
let ports: Record<string, string>;
let started: ChildProcess | undefined;
let startOutput = "";

const read = (file: string) => readFile(join(snippets, file), "utf8");

/** A snippet with its ports filled in (each must occur), run by bash in the copy; resolves to its stdout. */
async function run(file: string, more: Record<string, string> = {}): Promise<string> {
  const script = fill(await read(file), { ...(await portsOf(file)), ...more });
  const { stdout } = await promisify(execFile)("bash", ["-c", script], { cwd: dir, timeout: 60_000 });
  return stdout;
}

/** Only the ports the snippet mentions (fill() refuses a placeholder that is not there). */
async function portsOf(file: string): Promise<Record<string, string>> {
  const text = await read(file);
  return Object.fromEntries(Object.entries(ports).filter(([placeholder]) => text.includes(placeholder)));
}

function stopStarted() {
  if (!started?.pid) return;
  try {
    process.kill(-started.pid, "SIGTERM");
  } catch {}
}

beforeAll(async () => {
  ports = { "8787": String(await freePort()), "8788": String(await freePort()) };
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  for (const file of ["package.json", "wrangler.toml", "tsconfig.json", ".dev.vars.example", "src"]) {
    await cp(join(example, file), join(dir, file), { recursive: true });
  }
  await symlink(join(example, "node_modules"), join(dir, "node_modules"));
}, 60_000);

afterAll(async () => {
  stopStarted();
  // wrangler and workerd are in the started group; wait for it to be gone before removing the folder.
  for (let waited = 0; waited < 5_000; waited += 100) {
    try {
      process.kill(-(started?.pid ?? 0), 0);
    } catch {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    process.kill(-(started?.pid ?? 0), "SIGKILL");
  } catch {}
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe("examples/cloudflare-worker README: Run it locally", () => {
  test("cp .dev.vars.example .dev.vars, then the fake's keys set in it", async () => {
    await run("copy.sh");
    // A user edits the copy: each line of the block replaces the line that sets the same name.
    let devVars = await readFile(join(dir, ".dev.vars"), "utf8");
    for (const line of (await read("dev.vars")).trim().split("\n")) {
      const name = line.slice(0, line.indexOf("="));
      expect(devVars).toMatch(new RegExp(`^${name}=`, "m"));
      devVars = devVars.replace(new RegExp(`^${name}=.*$`, "m"), line);
    }
    await writeFile(join(dir, ".dev.vars"), devVars);
  });

  test("one paste starts the fake and wrangler dev, which then answers /healthz", async () => {
    const script = fill(await read("start.sh"), ports);
    started = spawn("bash", ["-c", script], {
      cwd: dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    });
    started.stdout?.on("data", (chunk) => (startOutput += chunk));
    started.stderr?.on("data", (chunk) => (startOutput += chunk));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`start.sh exited ${started.exitCode}:\n${startOutput}`);
      const ok = await fetch(`http://127.0.0.1:${ports["8787"]}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`wrangler dev was not ready:\n${startOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 120_000);

  test("the curl calls: health, a message, a streamed chat completion", async () => {
    const out = await run("curl.sh");
    expect(out).toContain(JSON.stringify(replyText()).slice(1, -1));
    expect(out).toContain("data: [DONE]");
  });

  test("hydration: a 400 naming the object before it is put, the document forwarded after", async () => {
    const before = JSON.parse(await run("hydrate.sh"));
    expect(before).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(before.error.message).toContain("shared/policy.txt");

    await run("r2-put.sh");
    const after = JSON.parse(await run("hydrate.sh"));
    expect(after.content[0].text).toBe(replyText());
    const records = (await (await fetch(`http://127.0.0.1:${ports["8788"]}/_fake/records`)).json()) as Array<{
      path: string;
      body: string;
    }>;
    const forwarded = records.filter((r) => r.path === "/anthropic/v1/messages").at(-1);
    expect(JSON.stringify(forwarded)).toContain("Our refund policy: 30 days, no questions asked.");
  }, 60_000);

  test("sessions: the second call on the session gets the first turn prepended", async () => {
    expect(await run("session.sh")).toMatch(/^x-sluice-session-messages: 0\r?$/im);
    expect(await run("session.sh")).toMatch(/^x-sluice-session-messages: 2\r?$/im);
  });

  test("uploads without the R2 secrets: a 503 naming them", async () => {
    const out = await run("upload.sh");
    expect(out).toContain("R2_ACCESS_KEY_ID");
  });

  test("managed keys: create, read its usage, revoke (the id from the first answer)", async () => {
    // A user runs the first command, reads the id from its answer, then runs the others with it.
    const [create, ...rest] = fill(await read("admin.sh"), await portsOf("admin.sh"))
      .replace(/\\\n/g, " ")
      .trim()
      .split("\n");
    const exec = async (command: string) =>
      (await promisify(execFile)("bash", ["-c", command], { cwd: dir, timeout: 30_000 })).stdout;
    const answer = await exec(create!);
    const created = JSON.parse(answer);
    if (!created.key) throw new Error(`${create}\n${answer}`);
    expect(created.key).toMatch(/^sk-sluice-/);
    const id: string = created.record.id;
    const [usage, revoke] = rest.map((command) => fill(command, { "key_…": id }));
    expect(JSON.parse(await exec(usage!))).not.toHaveProperty("error");
    expect(JSON.parse(await exec(revoke!))).not.toHaveProperty("error");
    const refused = await fetch(`http://127.0.0.1:${ports["8787"]}/anthropic/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": created.key,
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(refused.status).toBe(401);
  });
});
