import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  format: ["esm"],
  // Core's provider registry is bundled in: create-sluice runs before anything is installed.
  noExternal: ["@sluice/core"],
  dts: { entry: { index: "src/index.ts" } },
  platform: "node",
  target: "node20",
  clean: true,
});
