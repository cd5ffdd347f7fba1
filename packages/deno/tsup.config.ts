import { defineConfig } from "tsup";

export default defineConfig({
  entry: { mod: "src/mod.ts" },
  format: ["esm"],
  dts: true,
  platform: "neutral",
  target: "es2022",
  clean: true,
  treeshake: true,
  external: ["@sluice/core", "aws4fetch"],
});
