import { defineConfig } from "vitest/config";

// One file at a time: the soak measures memory and must not share the two cores with the fault matrix.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
