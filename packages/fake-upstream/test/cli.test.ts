// The CLI as another process would use it: first stdout line is JSON with the URLs, SIGTERM exits 0.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FAKE_KEYS } from "../src/index.js";
import { raw } from "./helpers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));

/** dist/cli.js after `pnpm build`; otherwise a throwaway build so `vitest run` works on its own. */
async function cliPath(): Promise<string> {
  const built = join(pkg, "dist", "cli.js");
  if (existsSync(built)) return built;
  const outDir = mkdtempSync(join(tmpdir(), "fake-upstream-cli-"));
  const { build } = await import("tsup");
  await build({
    entry: { cli: join(pkg, "src", "cli.ts") },
    format: ["esm"],
    outDir,
    platform: "node",
    target: "node22",
    silent: true,
    config: false,
  });
  return join(outDir, "cli.js");
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", (line) => {
      rl.close();
      resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`cli exited early with ${code}`)));
  });
}

describe("sluice-fake-upstream CLI", () => {
  it("prints {url, baseUrls} once listening, serves requests, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [await cliPath(), "--port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const info = JSON.parse(await firstLine(child)) as { url: string; baseUrls: Record<string, string> };
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.baseUrls).toEqual({
        anthropic: `${info.url}/anthropic`,
        openai: `${info.url}/openai/v1`,
        gemini: `${info.url}/gemini`,
        groq: `${info.url}/groq`,
        cerebras: `${info.url}/cerebras`,
      });
      const res = await raw(`${info.baseUrls.openai}/models`, {
        headers: { authorization: `Bearer ${FAKE_KEYS.openai}` },
      });
      expect(res.status).toBe(200);
      const stats = JSON.parse((await raw(`${info.url}/_fake/stats`)).text);
      expect(stats.counts["/openai/v1/models"]).toBe(1);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("--help and -h print usage on stdout and exit 0 without listening", async () => {
    const cli = await cliPath();
    for (const flag of ["--help", "-h"]) {
      const run = spawnSync(process.execPath, [cli, flag], { encoding: "utf8", timeout: 10_000 });
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: sluice-fake-upstream \[--port N\] \[--host H\]/);
      expect(run.stdout).not.toMatch(/^\{"url":"http/m); // never started listening
      expect(run.stderr).toBe("");
    }
  });

  it("an unknown flag exits 2 naming the flag, with usage on stderr and no stack trace", async () => {
    const run = spawnSync(process.execPath, [await cliPath(), "--prot", "8080"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("--prot");
    expect(run.stderr).toContain("Usage: sluice-fake-upstream");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
