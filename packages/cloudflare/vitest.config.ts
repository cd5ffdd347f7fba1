import { dirname } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import {
  ISOLATES_BUCKET,
  ISOLATES_CLIENT_KEY,
  ISOLATES_DEFAULT_CLIENT_KEY,
  ISOLATES_LEASE,
} from "./test/isolates/constants.js";

// Client keys the test gateway accepts: one per test file that goes through the gateway, so rate-limit
// buckets of one test never affect another.
export const TEST_CLIENT_KEYS = [
  "sk-sluice-test-gw",
  "sk-sluice-test-rl",
  "sk-sluice-test-cache",
  "sk-sluice-test-burst",
];

// Unlocks the admin API (/_sluice/keys, /_sluice/usage) in the test Worker.
export const TEST_ADMIN_KEY = "sk-sluice-admin-test-do-not-leak";

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const base = inject<Record<string, string>>("fakeBaseUrls");
      const keys = inject<Record<string, string>>("fakeKeys");
      // Two Worker services (two isolates) running test/isolates/worker.ts, leasing from one Durable Object
      // namespace: "isolate-a" defines it, "isolate-b" binds it by script name.
      const isolate = (name: string, limiter: object) => ({
        name,
        modules: true,
        scriptPath: inject<string>("isolateScript"),
        // Module names are relative to this root; the bundle lives in a temp directory.
        modulesRoot: dirname(inject<string>("isolateScript")),
        compatibilityDate: "2026-10-01",
        durableObjects: { RATE_LIMITER: limiter },
        bindings: {
          ANTHROPIC_API_KEY: keys.anthropic,
          ANTHROPIC_BASE_URL: base.anthropic,
          SLUICE_KEYS: `${ISOLATES_CLIENT_KEY},${ISOLATES_DEFAULT_CLIENT_KEY}`,
          SLUICE_RATE_LIMIT: `${ISOLATES_BUCKET}/86400s`,
          LEASE_SIZE: String(ISOLATES_LEASE.size),
          LEASE_TTL_MS: String(ISOLATES_LEASE.ttlMs),
        },
      });
      return {
        wrangler: { configPath: "./test/wrangler.jsonc" },
        miniflare: {
          // Secrets, as `wrangler secret put` / `.dev.vars` would set them (never `vars`).
          bindings: {
            ANTHROPIC_API_KEY: keys.anthropic,
            OPENAI_API_KEY: keys.openai,
            GEMINI_API_KEY: keys.gemini,
            SLUICE_KEYS: TEST_CLIENT_KEYS.join(","),
            SLUICE_ADMIN_KEY: TEST_ADMIN_KEY,
            SLUICE_RATE_LIMIT: "3/600s",
            R2_ACCESS_KEY_ID: "test-access-key-id",
            R2_SECRET_ACCESS_KEY: "test-secret-access-key-do-not-leak",
            ANTHROPIC_BASE_URL: base.anthropic,
            OPENAI_BASE_URL: base.openai,
            GEMINI_BASE_URL: base.gemini,
          },
          serviceBindings: { ISOLATE_A: "isolate-a", ISOLATE_B: "isolate-b" },
          workers: [
            isolate("isolate-a", { className: "SluiceRateLimiter", useSQLite: true }),
            isolate("isolate-b", {
              className: "SluiceRateLimiter",
              scriptName: "isolate-a",
              useSQLite: true,
            }),
          ],
        },
      };
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts", "./test/isolates-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
