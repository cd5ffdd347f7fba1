/**
 * Runs code the way an edge runtime (Vercel Edge) does: bundled by esbuild for the edge conditions, evaluated
 * in the strict `EdgeRuntime` VM (the `edge-runtime` package Vercel's tooling uses). The VM has web APIs only:
 * no `require`, `Buffer`, `setImmediate` or Node modules, so a Node API leak fails here. The one addition is a
 * `process` with nothing but `env`, which is what Vercel Edge exposes too. Shared by `@sluice/vercel`'s tests.
 */
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { EdgeRuntime } from "edge-runtime";

const packages = fileURLToPath(new URL("../../../", import.meta.url));

/** The store packages every bundle takes from their sources, so tests see the code, not a stale dist. */
export const STORE_SOURCES: Record<string, string> = {
  "@sluice/upstash": `${packages}upstash/src/index.ts`,
  "@sluice/redis": `${packages}redis/src/index.ts`,
  "@sluice/s3": `${packages}s3/src/index.ts`,
};

/** Resolves each import named in `sources` (a package name → its source file); the rest as usual. */
const fromSource = (sources: Record<string, string>): Plugin => ({
  name: "sluice-source",
  setup(b) {
    b.onResolve({ filter: /^@sluice\// }, (args) => {
      const file = sources[args.path];
      return file ? { path: file } : undefined;
    });
  },
});

/** One self-contained classic script, as an edge platform's build makes; `sources` adds or replaces entries. */
export async function bundleForEdge(entry: string, sources: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    conditions: ["edge-light", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    plugins: [fromSource({ ...STORE_SOURCES, ...sources })],
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
