/**
 * The example compiles to a Fastly Compute Wasm binary with the real toolchain: esbuild bundles it
 * (`fastly:*` left external, as Fastly's own build does), then `js-compute-runtime` (@fastly/js-compute)
 * links it into the runtime, resolving every `fastly:*` import and running the top-level code at build
 * time. The binary is not run: Viceroy, Fastly's local runner, cannot be installed here.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, test } from "vitest";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const example = join(here, "../../../examples/fastly-compute/src/index.ts");
// The package's exports map hides package.json; its default entry is dist/index.js, next to dist/cli.
const cli = join(
  createRequire(import.meta.url).resolve("@fastly/js-compute"),
  "../cli/js-compute-runtime-cli.js",
);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-fastly-wasm-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function bundle(entry: string, out: string): Promise<string> {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: ["fastly:*"],
    // The adapter from source, so the test checks this checkout, not a stale dist.
    alias: { "@sluice/fastly": join(here, "../src/index.ts") },
    outfile: out,
    logLevel: "silent",
  });
  return readFile(out, "utf8");
}

async function compile(js: string, wasm: string) {
  return run(process.execPath, [cli, js, wasm], { timeout: 60_000 });
}

test("the example bundles to one ESM file that imports only fastly:* modules", async () => {
  const code = await bundle(example, join(dir, "index.js"));
  const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  expect(imports.length).toBeGreaterThan(0);
  for (const spec of imports) expect(spec).toMatch(/^fastly:/);
});

test("js-compute-runtime compiles the bundle to a Wasm binary", async () => {
  const wasm = join(dir, "main.wasm");
  await compile(join(dir, "index.js"), wasm);
  const bytes = await readFile(wasm);
  expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
  expect((await stat(wasm)).size).toBeGreaterThan(1_000_000);
});

test("the same build fails on an API Fastly does not have (so the check above can fail)", async () => {
  const bad = join(dir, "bad.js");
  await writeFile(
    bad,
    'import { SimpleCache, NoSuchThing } from "fastly:cache";\naddEventListener("fetch", (e) => e.respondWith(new Response(String([SimpleCache, NoSuchThing]))));\n',
  );
  await expect(compile(bad, join(dir, "bad.wasm"))).rejects.toThrow(/No matching export in "fastly:cache"/);
});

test("fastly.toml declares a production and a local backend for every provider, and the stores", async () => {
  const toml = await readFile(join(here, "../../../examples/fastly-compute/fastly.toml"), "utf8");
  for (const provider of ["anthropic", "openai", "gemini", "groq", "cerebras"]) {
    expect(toml).toContain(`[setup.backends.${provider}]`);
    expect(toml).toContain(`[local_server.backends.${provider}]`);
    expect(toml).toContain(`${provider}_base_url = `);
  }
  for (const store of [
    "setup.secret_stores.sluice_secrets",
    "setup.config_stores.sluice_config",
    "setup.kv_stores.sluice_keys",
    "setup.secret_stores.sluice_secrets.entries.SLUICE_ADMIN_KEY",
    "[local_server.kv_stores.sluice_keys]",
  ])
    expect(toml).toContain(`[${store}]`);
});
