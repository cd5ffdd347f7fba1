import { defineConfig } from "tsup";
import { listProviders } from "./scripts/list-providers.mjs";

listProviders();

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "testing/index": "src/testing/index.ts",
    "memory/index": "src/memory/index.ts",
    "providers/index": "src/providers/entry.ts",
    "adapter/index": "src/adapter/index.ts",
  },
  format: ["esm"],
  dts: true,
  platform: "neutral",
  target: "es2022",
  clean: true,
  treeshake: true,
});
