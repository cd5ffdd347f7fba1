import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  format: ["esm"],
  dts: true,
  platform: "node",
  target: "node22",
  clean: true,
  sourcemap: true,
});
