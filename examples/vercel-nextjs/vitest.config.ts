import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // `next build` of both routes takes ~20 s on an idle machine; leave room on a busy 2-core one.
    hookTimeout: 240_000,
  },
});
