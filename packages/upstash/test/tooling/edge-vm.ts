/**
 * Runs code the way an edge runtime does: bundled by esbuild for the edge conditions, evaluated in the strict
 * `EdgeRuntime` VM (the `edge-runtime` package Vercel's tooling uses): web APIs only, no `require`, `Buffer`
 * or Node modules, so a Node API leak in the stores fails here.
 */
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { EdgeRuntime } from "edge-runtime";

/** `@sluice/upstash` and `@sluice/redis` from their sources, so tests see the code, not a stale dist. */
const fromSource: Plugin = {
  name: "sluice-redis-source",
  setup(b) {
    const entries: Record<string, string> = {
      "@sluice/upstash": fileURLToPath(new URL("../../src/index.ts", import.meta.url)),
      "@sluice/redis": fileURLToPath(new URL("../../../redis/src/index.ts", import.meta.url)),
    };
    b.onResolve({ filter: /^@sluice\/(upstash|redis)$/ }, (args) => ({ path: entries[args.path]! }));
  },
};

/** One self-contained classic script, as an edge platform's build makes. */
export async function bundleForEdge(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    conditions: ["edge-light", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    plugins: [fromSource],
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

export function startEdgeVm(code: string): EdgeRuntime {
  const runtime = new EdgeRuntime();
  runtime.evaluate(code);
  return runtime;
}
