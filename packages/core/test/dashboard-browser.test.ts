/**
 * The dashboard in a real headless Chromium (Debian's, driven by playwright-core), served by core on Node
 * with the memory stores: sign in with the keyboard, create a key on the page, send traffic with the
 * official SDKs, compare the page's numbers with `/_sluice/usage`, revoke the key on the page and see it
 * refused, and see nothing without the cookie. A screenshot goes to test-results/ (ignored by git).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  memoryKeyStore,
  memoryRateLimitStore,
  memorySecrets,
  memoryUsageStore,
} from "../src/memory/index.js";
import { PROVIDER_SECRETS, type Stack, startStack } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const ADMIN = "admin-key-for-the-browser-test";
const OUT = join(import.meta.dirname, "..", "test-results");

let fake: FakeUpstream;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`No ${CHROMIUM}: apt-get install -y chromium (scripts/test.sh does).`);
  fake = await startFakeUpstream();
  stack = await startStack(
    {
      secrets: memorySecrets({ ...PROVIDER_SECRETS, SLUICE_ADMIN_KEY: ADMIN }),
      keys: memoryKeyStore(),
      stores: { rateLimit: memoryRateLimitStore(), usage: memoryUsageStore() },
    },
    fake,
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  await mkdir(OUT, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await fake?.close();
});

const dashboard = () => `${stack.url}/_sluice/dashboard`;

async function signIn(page: Page): Promise<void> {
  await page.goto(dashboard());
  await page.getByLabel("Admin key").focus();
  await page.keyboard.type(ADMIN);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** The numbers of a key's row, read from the page. */
async function rowNumbers(page: Page, id: string): Promise<Record<string, string>> {
  const cells = page.locator(`tr[data-key="${id}"] td[data-field]`);
  const pairs = await cells.evaluateAll((tds) =>
    tds.map((td) => [td.getAttribute("data-field"), td.getAttribute("data-value")] as const),
  );
  return Object.fromEntries(pairs) as Record<string, string>;
}

describe("dashboard in headless Chromium (core on Node)", () => {
  it("signs in, creates a key, shows the SDK traffic as /_sluice/usage does, revokes the key", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: "sluice_dashboard",
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
    });
    expect(page.url()).not.toContain(ADMIN);

    await page.getByLabel("Name", { exact: true }).fill("browser key");
    await page.getByLabel("Budget (tokens, optional)").fill("100000");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.locator("[data-created-key]").textContent())!.trim();
    const id = (await page.locator("section[role=alert] code").textContent())!.trim();
    expect(key).toMatch(/^sk-sluice-/);

    const anthropic = new Anthropic({ apiKey: key, baseURL: `${stack.url}/anthropic`, maxRetries: 0 });
    const openai = new OpenAI({ apiKey: key, baseURL: `${stack.url}/openai/v1`, maxRetries: 0 });
    const usageHeader = { headers: { "x-fake-usage": "input=120,output=30,cache_read=40" } };
    await anthropic.messages.create(
      { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "one" }] },
      usageHeader,
    );
    await anthropic.messages
      .stream(
        { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "two" }] },
        usageHeader,
      )
      .finalMessage();
    await openai.chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "three" }] },
      usageHeader,
    );
    await stack.flush();

    await page.goto(`${dashboard()}?days=1`);
    const shown = await rowNumbers(page, id);
    const today = new Date().toISOString().slice(0, 10);
    const usage = (await (
      await fetch(`${stack.url}/_sluice/usage?key=${id}&day=${today}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      })
    ).json()) as { total: Record<string, number | null> };
    expect(shown.requests).toBe("3");
    for (const field of [
      "requests",
      "inputTokens",
      "outputTokens",
      "cacheReadTokens",
      "cacheWriteTokens",
      "costUsd",
    ]) {
      expect(Number(shown[field]), field).toBe(usage.total[field]);
    }
    expect(Number(shown.cacheHitRate)).toBeCloseTo(usage.total.cacheHitRate as number, 12);
    await page.screenshot({ path: join(OUT, "dashboard-node.png"), fullPage: true });

    await page.locator(`tr[data-key="${id}"] summary`).click();
    await page.getByRole("button", { name: "Revoke browser key" }).click();
    await page.getByText(`Key revoked: ${id}`).waitFor();
    const refused = await anthropic.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 8, messages: [{ role: "user", content: "four" }] })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
    await context.close();
  });

  it("without the cookie the page is the login form and holds no data", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${dashboard()}?days=30`);
    await expect(page.getByLabel("Admin key").isVisible()).resolves.toBe(true);
    expect(await page.locator("[data-key], [data-stat], [data-model]").count()).toBe(0);
    expect(await page.content()).not.toContain("browser key");
    await context.close();
  });

  it("is usable on a phone-sized screen: no horizontal page scroll outside the tables", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await signIn(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(OUT, "dashboard-phone.png"), fullPage: true });
    await context.close();
  });
});
