import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  dts: true,
  platform: "neutral",
  target: "es2022",
  clean: true,
  treeshake: true,
  external: ["@sluice/core", "@sluice/s3"],
});
