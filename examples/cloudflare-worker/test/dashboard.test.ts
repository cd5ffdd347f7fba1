// The dashboard of the Cloudflare example under `wrangler dev` (workerd, local SluiceKeys / SluiceUsage /
// SluiceRateLimiter Durable Objects), in a real headless Chromium (Debian's, driven by playwright-core): sign
// in, create keys on the page, send traffic through the official SDKs, compare the page's numbers with
// `/_sluice/usage`, revoke a key on the page and see it refused, and see nothing without the cookie.
// Screenshots go to test-results/ (ignored by git); docs/dashboard.png is a copy of dashboard-cloudflare.png.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWranglerDev } from "../scripts/local.mjs";

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
const ADMIN_KEY = "sk-sluice-dashboard-admin-never-shown";
const OUT = join(import.meta.dirname, "..", "test-results");

let fake: FakeUpstream;
let dev: Awaited<ReturnType<typeof startWranglerDev>>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`No ${CHROMIUM}: apt-get install -y chromium (scripts/test.sh does).`);
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
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  await mkdir(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await fake?.close();
});

const dashboard = () => `${dev.url}/_sluice/dashboard`;
const today = () => new Date().toISOString().slice(0, 10);

async function signIn(page: Page): Promise<void> {
  await page.goto(dashboard());
  await page.getByLabel("Admin key").focus();
  await page.keyboard.type(ADMIN_KEY);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Creates a key on the page; returns the key (shown once) and its id. */
async function createOnPage(page: Page, name: string, budget: string): Promise<{ key: string; id: string }> {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Budget (tokens, optional)").fill(budget);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.locator("[data-created-key]").textContent())!.trim();
  const id = (await page.locator("section[role=alert] code").textContent())!.trim();
  return { key, id };
}

async function usageOf(id: string): Promise<{ total: Record<string, number | null> }> {
  const response = await fetch(`${dev.url}/_sluice/usage?key=${id}&day=${today()}`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  return (await response.json()) as { total: Record<string, number | null> };
}

/** Usage rows are added in waitUntil after each body ends: wait until the endpoint counts `calls`. */
async function settled(id: string, calls: number) {
  for (let i = 0; i < 100; i++) {
    const usage = await usageOf(id);
    if ((usage.total.requests ?? 0) >= calls) return usage;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`usage of ${id} never reached ${calls} calls`);
}

async function rowNumbers(page: Page, id: string): Promise<Record<string, string>> {
  const pairs = await page
    .locator(`tr[data-key="${id}"] td[data-field]`)
    .evaluateAll((tds) =>
      tds.map((td) => [td.getAttribute("data-field"), td.getAttribute("data-value")] as const),
    );
  return Object.fromEntries(pairs) as Record<string, string>;
}

describe("dashboard of examples/cloudflare-worker under wrangler dev, in headless Chromium", () => {
  test("sign in, create keys, SDK traffic shown as /_sluice/usage reports it, revoke on the page", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    expect((await context.cookies())[0]).toMatchObject({
      name: "sluice_dashboard",
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
    });
    const team = await createOnPage(page, "research team", "200000");
    const bot = await createOnPage(page, "support bot", "50000");

    const anthropic = (key: string) =>
      new Anthropic({ apiKey: key, baseURL: `${dev.url}/anthropic`, maxRetries: 0 });
    const openai = (key: string) =>
      new OpenAI({ apiKey: key, baseURL: `${dev.url}/openai/v1`, maxRetries: 0 });
    const usage = (input: number, output: number, cacheRead = 0) => ({
      headers: { "x-fake-usage": `input=${input},output=${output},cache_read=${cacheRead}` },
    });
    const ask = (text: string) => ({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user" as const, content: text }],
    });
    for (let i = 0; i < 3; i++) {
      await anthropic(team.key).messages.create(ask(`plain ${i}`), usage(1200, 300, 4000));
      await anthropic(team.key)
        .messages.stream(ask(`stream ${i}`), usage(800, 250, 2000))
        .finalMessage();
    }
    await openai(team.key).chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
      usage(500, 120),
    );
    for (let i = 0; i < 2; i++) {
      await openai(bot.key).chat.completions.create(
        { model: "gpt-4.1-mini", messages: [{ role: "user", content: `help ${i}` }] },
        usage(2000, 400, 1000),
      );
    }
    // One call the provider refuses as overloaded: it shows up under errors by failure name.
    const overloaded = await anthropic(bot.key)
      .messages.create(ask("busy"), { headers: { "x-fake-fault": "status=529" } })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);

    const teamUsage = await settled(team.id, 7);
    await settled(bot.id, 2);
    // The overloaded call's row lands after its response too.
    for (let i = 0; i < 50; i++) {
      if (Object.keys((await usageOf(bot.id)).total.errors ?? {}).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const botUsage = await usageOf(bot.id);

    await page.goto(`${dashboard()}?days=1`);
    for (const [id, report] of [
      [team.id, teamUsage],
      [bot.id, botUsage],
    ] as const) {
      const shown = await rowNumbers(page, id);
      for (const field of ["requests", "inputTokens", "outputTokens", "cacheReadTokens", "costUsd"]) {
        expect(Number(shown[field]), `${id} ${field}`).toBe(report.total[field]);
      }
      const errors = Object.values((report.total.errors ?? {}) as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      );
      expect(Number(shown.errors), `${id} errors`).toBe(errors);
    }
    expect(teamUsage.total.requests).toBe(7);
    await page.screenshot({ path: join(OUT, "dashboard-cloudflare.png"), fullPage: true });

    await page.locator(`tr[data-key="${bot.id}"] summary`).click();
    await page.getByRole("button", { name: "Revoke support bot" }).click();
    await page.getByText(`Key revoked: ${bot.id}`).waitFor();
    const refused = await openai(bot.key)
      .chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "again" }] })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    await context.close();
  });

  test("without the cookie: the login form and no data; a forged cookie changes nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${dashboard()}?days=30`);
    expect(await page.getByLabel("Admin key").isVisible()).toBe(true);
    expect(await page.locator("[data-key], [data-stat], [data-model]").count()).toBe(0);
    expect(await page.content()).not.toContain("research team");
    const forged = await fetch(`${dashboard()}?days=30`, {
      headers: { cookie: `sluice_dashboard=v1.${Date.now() + 3_600_000}.AAAA.${"A".repeat(43)}` },
    });
    const html = await forged.text();
    expect(html).toContain('type="password"');
    expect(html).not.toContain("research team");
    await context.close();
  });
});
