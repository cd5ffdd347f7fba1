// edge-runtime targets (the EdgeRuntime VM Vercel's tooling runs edge functions in, served by its own
// `runServer`): TARGET=bare forwards bytes with fetch, swapping the key; TARGET=sluice-basic is @sluice/vercel's
// `createHandler` (from its dist, as a user's build bundles it) with an in-memory counters store: auth + rate
// limit + metrics. Each target is bundled by esbuild for the edge conditions, as Vercel's build does.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const vercel = join(root, "packages/vercel");
// esbuild and edge-runtime are the Vercel package's own dev dependencies: the versions its tests use.
const require = createRequire(join(vercel, "package.json"));
const { build } = require("esbuild");
const { EdgeRuntime, runServer } = require("edge-runtime");

const BARE = `
addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const headers = new Headers(event.request.headers);
  headers.set("x-api-key", process.env.PROVIDER_KEY);
  headers.delete("host");
  event.respondWith(
    fetch(process.env.UPSTREAM_ANTHROPIC + url.pathname.replace(/^\\/anthropic/, ""), {
      method: event.request.method,
      headers,
      body: event.request.body,
      duplex: "half",
    }),
  );
});`;

const SLUICE = `
import { createHandler } from "@sluice/vercel";
import { memoryRateLimitStore } from "@sluice/core/memory";
const handler = createHandler({
  waitUntil: () => {},
  stores: { counters: memoryRateLimitStore() },
  limits: { rate: "1000000000/60s" },
  metrics: { record() {} },
});
addEventListener("fetch", (event) => event.respondWith(handler(event.request)));`;

const target = process.env.TARGET ?? "bare";
const bundled = await build({
  stdin: { contents: target === "bare" ? BARE : SLUICE, resolveDir: vercel, loader: "js" },
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  target: "es2022",
  conditions: ["edge-light", "worker", "browser"],
  mainFields: ["browser", "module", "main"],
  logLevel: "silent",
});
const env = {
  PROVIDER_KEY: process.env.PROVIDER_KEY,
  UPSTREAM_ANTHROPIC: process.env.UPSTREAM_ANTHROPIC,
  ANTHROPIC_API_KEY: process.env.PROVIDER_KEY,
  ANTHROPIC_BASE_URL: process.env.UPSTREAM_ANTHROPIC,
  SLUICE_KEYS: process.env.CLIENT_KEY,
};
const runtime = new EdgeRuntime({
  extend: (context) => Object.assign(context, { process: { env } }),
});
runtime.evaluate(bundled.outputFiles[0].text);
await runServer({ runtime, port: Number(process.env.PORT), host: "127.0.0.1" });
process.stdout.write("ready\n");
