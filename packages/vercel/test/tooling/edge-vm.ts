/**
 * Runs code the way Vercel Edge does: bundled by esbuild for the edge conditions, evaluated in the strict
 * `EdgeRuntime` VM (the `edge-runtime` package Vercel's own tooling uses). The VM has web APIs only: no
 * `require`, `Buffer`, `setImmediate` or Node modules, so a Node API leak fails here. The one addition is a
 * `process` with nothing but `env`, which is what Vercel Edge exposes too.
 */
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { EdgeRuntime } from "edge-runtime";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * `@sluice/vercel` and its subpaths, and the store packages it uses, from their sources, so tests see the
 * code, not a stale dist.
 */
const sluiceVercelFromSource: Plugin = {
  name: "sluice-vercel-source",
  setup(b) {
    const entries: Record<string, string> = {
      "@sluice/vercel": "index.ts",
      "@sluice/vercel/upstash": "upstash/index.ts",
      "@sluice/vercel/otlp": "otlp.ts",
      "@sluice/upstash": "../../upstash/src/index.ts",
      "@sluice/redis": "../../redis/src/index.ts",
      "@sluice/s3": "../../s3/src/index.ts",
    };
    b.onResolve({ filter: /^@sluice\/(vercel(\/.*)?|upstash|redis|s3)$/ }, (args) => {
      const file = entries[args.path];
      return file ? { path: src + file } : undefined;
    });
  },
};

/** One self-contained classic script, as Vercel's build makes for an edge function. */
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
    plugins: [sluiceVercelFromSource],
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

export interface EdgeVm {
  runtime: EdgeRuntime;
  /** Every console line the code in the VM wrote. */
  logs: string[];
}

export function startEdgeVm(code: string, env: Record<string, string> = {}): EdgeVm {
  const logs: string[] = [];
  const capture = (...args: unknown[]) => {
    logs.push(args.map((a) => (typeof a === "string" ? a : String(a))).join(" "));
  };
  const runtime = new EdgeRuntime({
    extend: (context) => {
      Object.assign(context, {
        process: { env: { ...env } },
        console: { log: capture, info: capture, warn: capture, error: capture, debug: capture },
      });
      return context;
    },
  });
  runtime.evaluate(code);
  return { runtime, logs };
}
