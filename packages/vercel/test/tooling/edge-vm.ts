/** `@sluice/upstash`'s EdgeRuntime VM helper, with `@sluice/vercel` and its subpaths from their sources. */
import { fileURLToPath } from "node:url";
import { bundleForEdge as bundle } from "../../../upstash/test/tooling/edge-vm.js";

export { type EdgeVm, startEdgeVm } from "../../../upstash/test/tooling/edge-vm.js";

const src = (file: string) => fileURLToPath(new URL(`../../src/${file}`, import.meta.url));
const VERCEL_SOURCES = {
  "@sluice/vercel": src("index.ts"),
  "@sluice/vercel/upstash": src("upstash/index.ts"),
  "@sluice/vercel/otlp": src("otlp.ts"),
};

/** One self-contained classic script, as Vercel's build makes for an edge function. */
export const bundleForEdge = (entry: string) => bundle(entry, VERCEL_SOURCES);
