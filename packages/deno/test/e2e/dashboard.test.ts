/**
 * The dashboard of `examples/deno-deploy/main.ts` under `deno serve` (real Deno, real Deno KV: managed keys and
 * usage counters in KV), in a real headless Chromium: the shared scenario of
 * packages/core/test/dashboard-scenario.ts (sign in, create keys on the page, SDK traffic shown as
 * `/_sluice/usage` reports it, revoke on the page and see it refused, nothing without the cookie).
 * The screenshot goes to test-results/ (ignored by git).
 */
import { join } from "node:path";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import {
  dashboardScenario,
  launchChromium,
  noCookieScenario,
} from "../../../core/test/dashboard-scenario.ts";
import { type Stack, startStack } from "./processes.ts";

const ADMIN_KEY = "sluice-e2e-dashboard-admin-0001";
const OUT = join(import.meta.dirname, "..", "..", "test-results");
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ SLUICE_ADMIN_KEY: ADMIN_KEY }, FAKE_KEYS);
  browser = await launchChromium();
});
afterAll(async () => {
  if (process.env.SHOW_DENO_LOG) console.log(stack?.deno.output());
  await browser?.close();
  await stack?.stop();
});

describe("dashboard of the Deno Deploy example under deno serve, in headless Chromium", () => {
  it("signs in, creates keys, shows the SDK traffic as /_sluice/usage does, revokes a key", async () => {
    await dashboardScenario(
      { gateway: stack.gatewayUrl, adminKey: ADMIN_KEY, browser },
      join(OUT, "dashboard-deno.png"),
    );
  });

  it("without the cookie the page is the login form and holds no data", async () => {
    await noCookieScenario({ gateway: stack.gatewayUrl, browser });
  });
});
