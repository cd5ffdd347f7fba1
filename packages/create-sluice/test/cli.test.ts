// The CLI in its own process, as `npm create sluice` runs it (dist/cli.js; built first when missing).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const cli = join(pkg, "dist", "cli.js");
const run = (args: string[], cwd = tmpdir()) =>
  spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 15_000 });

beforeAll(() => {
  if (!existsSync(cli)) spawnSync("pnpm", ["build"], { cwd: pkg, stdio: "ignore" });
});

describe("create-sluice CLI", () => {
  it("--help prints usage and exits 0", () => {
    const result = run(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm create sluice/);
  });

  it("a wrong flag or value exits 2 with what to write, no stack trace", () => {
    for (const args of [["--runtime", "bun", "--yes"], ["--frobnicate"], ["--features", "keys", "--yes"]]) {
      const result = run(args, mkdtempSync(join(tmpdir(), "create-sluice-")));
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage: npm create sluice");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("writes the project with flags, without asking, and refuses a non-empty directory", () => {
    const cwd = mkdtempSync(join(tmpdir(), "create-sluice-"));
    const args = ["gw", "--runtime", "cloudflare", "--providers", "openai", "--features", "none", "--yes"];
    const result = run(args, cwd);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("npm test");
    const manifest = JSON.parse(readFileSync(join(cwd, "gw", "package.json"), "utf8"));
    const own = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    expect(manifest.dependencies["@sluice/cloudflare"]).toBe(`^${own.version}`);
    expect(readFileSync(join(cwd, "gw", ".dev.vars.example"), "utf8")).toContain("OPENAI_API_KEY=");

    writeFileSync(join(cwd, "gw", "keep.txt"), "mine");
    const again = run(args, cwd);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("is not empty");
    expect(readFileSync(join(cwd, "gw", "keep.txt"), "utf8")).toBe("mine");
  });
});
