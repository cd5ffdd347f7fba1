// Minified + gzipped sizes: @sluice/core alone, and each example's deployable bundle, built the way that
// platform builds it (wrangler's dry run for Workers; esbuild with the platform's modules external elsewhere).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const sizes = (name, code) => ({ name, raw: code.byteLength, gzip: gzipSync(code).byteLength });

async function bundle(name, entry, options = {}) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "edge-light", "browser", "import"],
    write: false,
    ...options,
  });
  return sizes(name, result.outputFiles[0].contents);
}

function wranglerBundle(root, example) {
  const out = mkdtempSync(join(tmpdir(), "sluice-bundle-"));
  const cwd = join(root, "examples", example);
  execFileSync(join(cwd, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd,
    stdio: "pipe",
  });
  const file = readdirSync(out).find((f) => f.endsWith(".js"));
  // wrangler's dry run bundles but does not minify unless configured: minify the same way as the others.
  return bundle(`examples/${example} (wrangler bundle)`, join(out, file), {
    external: ["cloudflare:*", "node:*"],
  });
}

export async function bundleSizes(root) {
  const jobs = [
    () => bundle("@sluice/core", join(root, "packages/core/dist/index.js")),
    () => wranglerBundle(root, "cloudflare-worker"),
    () =>
      bundle("examples/vercel-edge (edge function)", join(root, "examples/vercel-edge/api/[...path].ts"), {
        external: ["node:*"],
      }),
    () =>
      bundle("examples/fastly-compute (before wasm)", join(root, "examples/fastly-compute/src/index.ts"), {
        external: ["fastly:*"],
      }),
    () => bundle("examples/hono (app, without the Node server)", join(root, "examples/hono/src/app.ts")),
  ];
  const results = [];
  for (const job of jobs) {
    try {
      results.push(await job());
    } catch (error) {
      console.warn(`! bundle: ${String(error.message).split("\n")[0]}`);
    }
  }
  results.push({
    name: "examples/deno-deploy",
    raw: NaN,
    gzip: NaN,
    note: "not bundled: Deno Deploy runs the TypeScript modules as they are",
  });
  return results;
}
