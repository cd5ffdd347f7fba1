import { defineConfig } from "vitest/config";

// End-to-end: Node drives the official SDKs against `wrangler dev` running this example, with the fake
// upstream behind it. One file, one wrangler process.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
