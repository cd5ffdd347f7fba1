import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "upstash/index": "src/upstash/index.ts",
    otlp: "src/otlp.ts",
  },
  format: ["esm"],
  dts: true,
  platform: "neutral",
  target: "es2022",
  clean: true,
  treeshake: true,
  external: ["@sluice/core", "@sluice/upstash", "@upstash/redis", "@vercel/functions", "@sluice/s3"],
});
