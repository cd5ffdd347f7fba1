import { defineConfig } from "vitest/config";
import { listProviders } from "./scripts/list-providers.mjs";

listProviders();

/** The suites that drive streamed answers end to end: run again on tap.ts's pump path (a pass-through set). */
const STREAM_SUITES = [
  "test/streaming.test.ts",
  "test/retries.test.ts",
  "test/spend-endings.test.ts",
  "test/secret-hygiene.test.ts",
  "test/resilience.test.ts",
  "test/leaks.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: "core", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "pump", include: STREAM_SUITES, env: { SLUICE_TEST_PASS_THROUGH: "1" } },
      },
    ],
  },
});
