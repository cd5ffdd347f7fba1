// Node side: bundles the auxiliary Worker of lease-isolates.test.ts (test/isolates) as a deploy would, before
// vitest.config.ts hands the bundle to Miniflare as two Worker services.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The bundled isolates/worker.ts. */
    isolateScript: string;
  }
}

export default function setup(project: TestProject) {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = mkdtempSync(join(tmpdir(), "sluice-isolates-"));
  execFileSync(
    join(here, "../node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", "--outdir", out, "--config", join(here, "isolates/wrangler.jsonc")],
    { cwd: join(here, "isolates"), stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  project.provide("isolateScript", join(out, "worker.js"));
  return () => rmSync(out, { recursive: true, force: true });
}
