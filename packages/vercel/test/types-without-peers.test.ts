/**
 * The published types compile in a project without the optional peer (`@upstash/redis`) with `skipLibCheck: false`: the built `dist/` of this package, of the store packages it
 * depends on and of core are copied into a temporary `node_modules` outside the repository (so nothing else
 * resolves) and `tsc` checks a file importing every entry.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const packages = {
  "@sluice/vercel": here(".."),
  "@sluice/upstash": here("../../upstash"),
  "@sluice/redis": here("../../redis"),
  "@sluice/s3": here("../../s3"),
  "@sluice/core": here("../../core"),
};

let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "sluice-types-"));
  for (const [name, from] of Object.entries(packages)) {
    await cp(join(from, "package.json"), join(project, "node_modules", name, "package.json"));
    await cp(join(from, "dist"), join(project, "node_modules", name, "dist"), { recursive: true });
  }
  await cp(here("fixtures/types-without-peers"), project, { recursive: true });
});
afterAll(() => (project ? rm(project, { recursive: true, force: true }) : undefined));

/** tsc's exit code and output for the fixture project. */
async function check(): Promise<{ code: number; output: string }> {
  return run(process.execPath, [tsc, "-p", project], { cwd: project }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

describe("@sluice/vercel's types without the optional peers", () => {
  it("compile with skipLibCheck off, every entry imported", async () => {
    const { code, output } = await check();
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("would fail if a declaration file imported @upstash/redis (the check can fail)", async () => {
    const entry = join(project, "node_modules/@sluice/vercel/dist/index.d.ts");
    const original = await readFile(entry, "utf8");
    // What the old build emitted: the command types were `Pick<Redis, …>` of the peer's `Redis`.
    await writeFile(entry, `import { Redis } from '@upstash/redis';\ntype _Peer = Redis;\n${original}`);
    try {
      const { code, output } = await check();
      expect(code).not.toBe(0);
      expect(output).toContain("Cannot find module '@upstash/redis'");
    } finally {
      await writeFile(entry, original);
    }
  });
});
