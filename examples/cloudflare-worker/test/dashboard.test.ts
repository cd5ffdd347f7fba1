// The dashboard of the Cloudflare example under `wrangler dev` (workerd, local SluiceKeys / SluiceUsage /
// SluiceRateLimiter Durable Objects), in a real headless Chromium: the shared scenario of
// packages/core/test/dashboard-scenario.ts (sign in, create keys on the page, SDK traffic shown as
// `/_sluice/usage` reports it, revoke on the page and see it refused, nothing without the cookie).
// Screenshots go to test-results/ (ignored by git); docs/dashboard.png is a copy of dashboard-cloudflare.png.
import { join } from "node:path";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  dashboardScenario,
  launchChromium,
  noCookieScenario,
} from "../../../packages/core/test/dashboard-scenario.js";
import { startWranglerDev } from "../scripts/local.mjs";

const ADMIN_KEY = "sk-sluice-dashboard-admin-never-shown";
const OUT = join(import.meta.dirname, "..", "test-results");

let fake: FakeUpstream;
let dev: Awaited<ReturnType<typeof startWranglerDev>>;
let browser: Browser;

beforeAll(async () => {
  fake = await startFakeUpstream();
  dev = await startWranglerDev({
    secrets: {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      OPENAI_API_KEY: FAKE_KEYS.openai,
      GEMINI_API_KEY: FAKE_KEYS.gemini,
      SLUICE_KEYS: "sk-sluice-dashboard-static",
      SLUICE_ADMIN_KEY: ADMIN_KEY,
    },
    vars: {
      ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
      OPENAI_BASE_URL: fake.baseUrls.openai,
      GEMINI_BASE_URL: fake.baseUrls.gemini,
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await fake?.close();
});

describe("dashboard of examples/cloudflare-worker under wrangler dev, in headless Chromium", () => {
  test("sign in, create keys, SDK traffic shown as /_sluice/usage reports it, revoke on the page", async () => {
    await dashboardScenario(
      { gateway: dev.url, adminKey: ADMIN_KEY, browser },
      join(OUT, "dashboard-cloudflare.png"),
    );
  });

  test("without the cookie: the login form and no data; a forged cookie changes nothing", async () => {
    await noCookieScenario({ gateway: dev.url, browser });
  });
});
