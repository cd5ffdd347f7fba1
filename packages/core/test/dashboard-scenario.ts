/**
 * The dashboard scenario every adapter runs in a real headless Chromium (Debian's, driven by playwright-core;
 * nothing downloads a browser): sign in with the keyboard, create keys on the page, send traffic through the
 * official SDKs, compare the page's numbers with `/_sluice/usage`, revoke a key on the page and see it refused,
 * and see no data without the cookie. Screenshots go to the caller's test-results/ (ignored by git).
 * Imported by core's test (core on Node) and by the adapters' (Cloudflare under `wrangler dev`, Deno under
 * `deno serve`).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium, or a clear error saying how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No ${CHROMIUM}: apt-get install -y chromium (scripts/test.sh does).`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface DashboardTarget {
  /** The gateway's URL including its base path. */
  gateway: string;
  adminKey: string;
  browser: Browser;
}

const dashboardUrl = (gateway: string) => `${gateway}/_sluice/dashboard`;
const today = () => new Date().toISOString().slice(0, 10);

/** Signs in with the keyboard only (the form must be usable without a mouse). */
export async function signIn(page: Page, target: Omit<DashboardTarget, "browser">): Promise<void> {
  await page.goto(dashboardUrl(target.gateway));
  await page.getByLabel("Admin key").focus();
  await page.keyboard.type(target.adminKey);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Creates a key on the page; returns the key (shown once) and its id. */
export async function createKeyOnPage(
  page: Page,
  name: string,
  budget: string,
): Promise<{ key: string; id: string }> {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Budget (tokens, optional)").fill(budget);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.locator("[data-created-key]").textContent())!.trim();
  const id = (await page.locator("section[role=alert] code").textContent())!.trim();
  return { key, id };
}

/** The numbers of a key's row, read from the page's `data-value` attributes. */
export async function rowNumbers(page: Page, id: string): Promise<Record<string, string>> {
  const pairs = await page
    .locator(`tr[data-key="${id}"] td[data-field]`)
    .evaluateAll((tds) =>
      tds.map((td) => [td.getAttribute("data-field"), td.getAttribute("data-value")] as const),
    );
  return Object.fromEntries(pairs) as Record<string, string>;
}

type UsageTotal = Record<string, number | null | Record<string, number>>;

async function usageOf(target: Omit<DashboardTarget, "browser">, id: string): Promise<{ total: UsageTotal }> {
  const response = await fetch(`${target.gateway}/_sluice/usage?key=${id}&day=${today()}`, {
    headers: { authorization: `Bearer ${target.adminKey}` },
  });
  return (await response.json()) as { total: UsageTotal };
}

/** Usage rows are added after each body ends (waitUntil): wait until the endpoint shows what `done` wants. */
async function settled(
  target: Omit<DashboardTarget, "browser">,
  id: string,
  done: (total: UsageTotal) => boolean,
): Promise<{ total: UsageTotal }> {
  for (let i = 0; i < 100; i++) {
    const usage = await usageOf(target, id);
    if (done(usage.total)) return usage;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`usage of ${id} never settled: ${JSON.stringify((await usageOf(target, id)).total)}`);
}

const errorCount = (total: UsageTotal) =>
  Object.values((total.errors ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);

/**
 * Signs in, creates two keys on the page, sends scripted traffic with the official Anthropic and OpenAI SDKs
 * (plain, streamed, cache reads, one overloaded call), checks every number of both rows against
 * `/_sluice/usage`, saves a full-page screenshot at `screenshot`, revokes a key on the page and sees the SDK
 * refused with 401.
 */
export async function dashboardScenario(target: DashboardTarget, screenshot: string): Promise<void> {
  const context = await target.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await signIn(page, target);
    expect((await context.cookies())[0]).toMatchObject({
      name: "sluice_dashboard",
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
    });
    expect(page.url()).not.toContain(target.adminKey);
    const team = await createKeyOnPage(page, "research team", "200000");
    const bot = await createKeyOnPage(page, "support bot", "50000");
    expect(team.key).toMatch(/^sk-sluice-/);

    const anthropic = (key: string) =>
      new Anthropic({ apiKey: key, baseURL: `${target.gateway}/anthropic`, maxRetries: 0 });
    const openai = (key: string) =>
      new OpenAI({ apiKey: key, baseURL: `${target.gateway}/openai/v1`, maxRetries: 0 });
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

    const reports = [
      [team.id, await settled(target, team.id, (t) => (t.requests as number) >= 7)],
      [bot.id, await settled(target, bot.id, (t) => (t.requests as number) >= 2 && errorCount(t) > 0)],
    ] as const;
    expect(reports[0][1].total.requests).toBe(7);

    await page.goto(`${dashboardUrl(target.gateway)}?days=1`);
    for (const [id, report] of reports) {
      const shown = await rowNumbers(page, id);
      for (const field of [
        "requests",
        "inputTokens",
        "outputTokens",
        "cacheReadTokens",
        "cacheWriteTokens",
        "costUsd",
      ]) {
        expect(Number(shown[field]), `${id} ${field}`).toBe(report.total[field]);
      }
      expect(Number(shown.cacheHitRate), `${id} cacheHitRate`).toBeCloseTo(
        report.total.cacheHitRate as number,
        12,
      );
      expect(Number(shown.errors), `${id} errors`).toBe(errorCount(report.total));
    }
    await mkdir(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });

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
  } finally {
    await context.close();
  }
}

/**
 * Without the cookie the page is the login form and holds none of the keys the scenario created (run it
 * after `dashboardScenario`); a forged cookie changes nothing.
 */
export async function noCookieScenario(target: Omit<DashboardTarget, "adminKey">): Promise<void> {
  const context = await target.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${dashboardUrl(target.gateway)}?days=30`);
    expect(await page.getByLabel("Admin key").isVisible()).toBe(true);
    expect(await page.locator("[data-key], [data-stat], [data-model]").count()).toBe(0);
    expect(await page.content()).not.toContain("research team");
    const forged = await fetch(`${dashboardUrl(target.gateway)}?days=30`, {
      headers: { cookie: `sluice_dashboard=v1.${Date.now() + 3_600_000}.AAAA.${"A".repeat(43)}` },
    });
    const html = await forged.text();
    expect(html).toContain('type="password"');
    expect(html).not.toContain("research team");
  } finally {
    await context.close();
  }
}

/** On a phone-sized screen the page has no horizontal scroll outside its tables. */
export async function phoneScenario(target: DashboardTarget, screenshot: string): Promise<void> {
  const context = await target.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    const page = await context.newPage();
    await signIn(page, target);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await context.close();
  }
}
