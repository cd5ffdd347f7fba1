/**
 * The dashboard in a real headless Chromium, served by core on Node with the memory stores: the shared
 * scenario of dashboard-scenario.ts (sign in, create keys on the page, SDK traffic shown as `/_sluice/usage`
 * reports it, revoke on the page, nothing without the cookie), plus a phone-sized screen.
 * Screenshots go to test-results/ (ignored by git).
 */
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import {
  memoryKeyStore,
  memoryRateLimitStore,
  memorySecrets,
  memoryUsageStore,
} from "../src/memory/index.js";
import { dashboardScenario, launchChromium, noCookieScenario, phoneScenario } from "./dashboard-scenario.js";
import { PROVIDER_SECRETS, type Stack, startStack } from "./helpers.js";

const ADMIN = "admin-key-for-the-browser-test";
const OUT = join(import.meta.dirname, "..", "test-results");

let fake: FakeUpstream;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  fake = await startFakeUpstream();
  stack = await startStack(
    {
      secrets: memorySecrets({ ...PROVIDER_SECRETS, SLUICE_ADMIN_KEY: ADMIN }),
      clients: { keys: memoryKeyStore() },
      stores: { counters: memoryRateLimitStore(), usage: memoryUsageStore() },
    },
    fake,
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await fake?.close();
});

describe("dashboard in headless Chromium (core on Node)", () => {
  it("signs in, creates keys, shows the SDK traffic as /_sluice/usage does, revokes a key", async () => {
    await dashboardScenario(
      { gateway: stack.url, adminKey: ADMIN, browser },
      join(OUT, "dashboard-node.png"),
    );
  });

  it("without the cookie the page is the login form and holds no data", async () => {
    await noCookieScenario({ gateway: stack.url, browser });
  });

  it("is usable on a phone-sized screen: no horizontal page scroll outside the tables", async () => {
    await phoneScenario({ gateway: stack.url, adminKey: ADMIN, browser }, join(OUT, "dashboard-phone.png"));
  });
});
