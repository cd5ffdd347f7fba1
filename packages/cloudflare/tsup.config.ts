import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", analytics: "src/analytics.ts" },
  format: ["esm"],
  dts: true,
  platform: "neutral",
  target: "es2022",
  clean: true,
  treeshake: true,
  // Provided by workerd at run time; core and aws4fetch stay dependencies the user's bundler resolves.
  external: ["cloudflare:workers", "@sluice/core", "aws4fetch"],
});
