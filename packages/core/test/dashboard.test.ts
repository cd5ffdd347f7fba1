/**
 * The dashboard over real HTTP (Node): the login cookie, CSRF and origin checks, no data without a session,
 * key management through forms, the page's size, and the usage rows it reads (answering model, unpriced
 * calls, errors by failure name, fixed-decimal costs in /_sluice/usage).
 */
import { gzipSync } from "node:zlib";
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardData } from "../src/dashboard/data.js";
import { dashboardPage } from "../src/dashboard/page.js";
import {
  memoryKeyStore,
  memoryRateLimitStore,
  memorySecrets,
  memoryUsageStore,
} from "../src/memory/index.js";
import { emptyCounters, hourOf } from "../src/ports/usage.js";
import {
  PROVIDER_SECRETS,
  type Stack,
  anthropicHeaders,
  bearerHeaders,
  post,
  startStack,
} from "./helpers.js";

const ADMIN = "admin-secret-for-dashboard-0001";
let fake: FakeUpstream;
let stack: Stack;
const keys = memoryKeyStore();
const usage = memoryUsageStore();

beforeAll(async () => {
  fake = await startFakeUpstream();
  stack = await startStack(
    {
      secrets: memorySecrets({ ...PROVIDER_SECRETS, SLUICE_ADMIN_KEY: ADMIN }),
      clients: { keys },
      stores: { counters: memoryRateLimitStore(), usage },
    },
    fake,
  );
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

const page = (path = "", init: RequestInit = {}) =>
  fetch(`${stack.url}/_sluice/dashboard${path}`, { redirect: "manual", ...init });

/** A form post from the page's own origin (what a browser sends). */
const form = (path: string, fields: Record<string, string>, cookie?: string, origin = stack.url) =>
  page(path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin,
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });

async function login(): Promise<string> {
  const answer = await form("/login", { key: ADMIN });
  expect(answer.status).toBe(303);
  return answer.headers.get("set-cookie")!.split(";")[0]!;
}

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";

async function createKey(name: string) {
  const response = await fetch(`${stack.url}/_sluice/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ name }),
  });
  return (await response.json()) as { key: string; record: { id: string } };
}

describe("dashboard login", () => {
  it("sets a signed, HttpOnly, Secure, SameSite=Strict cookie scoped to the dashboard, for one hour", async () => {
    const answer = await form("/login", { key: ADMIN });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/_sluice/dashboard");
    const cookie = answer.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^sluice_dashboard=v1\.\d+\.[\w-]+\.[\w-]+; /);
    for (const attribute of [
      "HttpOnly",
      "Secure",
      "SameSite=Strict",
      "Path=/_sluice/dashboard",
      "Max-Age=3600",
    ])
      expect(cookie).toContain(attribute);
    expect(cookie).not.toContain(ADMIN);
  });

  it("refuses a wrong key with 401 and no cookie, and without a session shows no data", async () => {
    const { record } = await createKey("secret-name-of-a-key");
    const wrong = await form("/login", { key: "not-the-admin-key" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const anonymous = await page();
    expect(anonymous.status).toBe(200);
    const html = await anonymous.text();
    expect(html).toContain('type="password"');
    expect(html).not.toContain(record.id);
    expect(html).not.toContain("secret-name-of-a-key");
    expect(anonymous.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("ignores a tampered cookie, one signed under another secret, and an expired one", async () => {
    const cookie = await login();
    const [name, value] = cookie.split("=") as [string, string];
    const parts = value.split(".");
    const tampered = [parts[0], String(Number(parts[1]) + 86_400_000), parts[2], parts[3]].join(".");
    const expired = [parts[0], "1000", parts[2], parts[3]].join(".");
    for (const bad of [tampered, expired, `${value.slice(0, -2)}xx`, "v1.9999999999999.abc.def"]) {
      const html = await (await page("", { headers: { cookie: `${name}=${bad}` } })).text();
      expect(html).toContain('type="password"');
      expect(html).not.toContain("Sign out");
    }
    const good = await (await page("", { headers: { cookie } })).text();
    expect(good).toContain("Sign out");
  });

  it("throttles wrong keys at the login form like the admin API (429, then even the right key waits)", async () => {
    const own = await startStack(
      {
        secrets: memorySecrets({ ...PROVIDER_SECRETS, SLUICE_ADMIN_KEY: ADMIN }),
        clients: { keys: memoryKeyStore() },
        stores: { counters: memoryRateLimitStore(), usage: memoryUsageStore() },
      },
      fake,
    );
    try {
      const attempt = (key: string) =>
        fetch(`${own.url}/_sluice/dashboard/login`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: own.url },
          body: new URLSearchParams({ key }).toString(),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await attempt(`wrong-${i}`)).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual([429, 429]);
      const right = await attempt(ADMIN);
      expect(right.status).toBe(429);
      expect(right.headers.get("set-cookie")).toBeNull();
      expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await own.close();
    }
  });

  it("answers 403 without the admin secret, like the admin API", async () => {
    const off = await startStack(
      { clients: { keys: memoryKeyStore() }, stores: { usage: memoryUsageStore() } },
      fake,
    );
    try {
      const answer = await fetch(`${off.url}/_sluice/dashboard`);
      expect(answer.status).toBe(403);
      expect(await answer.text()).toContain("SLUICE_ADMIN_KEY");
    } finally {
      await off.close();
    }
  });
});

describe("dashboard changes", () => {
  it("refuses a post from another origin, and one without the session's CSRF token, changing nothing", async () => {
    const cookie = await login();
    const { record } = await createKey("victim");
    const csrf = csrfOf(await (await page("", { headers: { cookie } })).text());
    const foreign = await form(
      `/keys/${record.id}`,
      { action: "revoke", _csrf: csrf },
      cookie,
      "https://evil.example",
    );
    expect(foreign.status).toBe(403);
    const tokenless = await form(`/keys/${record.id}`, { action: "revoke" }, cookie);
    expect(tokenless.status).toBe(403);
    const otherSession = csrfOf(await (await page("", { headers: { cookie: await login() } })).text());
    expect((await form(`/keys/${record.id}`, { action: "revoke", _csrf: otherSession }, cookie)).status).toBe(
      403,
    );
    expect(await keys.get(record.id)).not.toBeNull();
    expect((await form(`/keys/${record.id}`, { action: "revoke", _csrf: csrf }, cookie)).status).toBe(303);
    expect(await keys.get(record.id)).toBeNull();
  });

  it("creates a key shown once, edits its budget and models, disables it and revokes it", async () => {
    const cookie = await login();
    const csrf = csrfOf(await (await page("", { headers: { cookie } })).text());
    const created = await form(
      "/keys",
      {
        name: "from the page",
        budgetTokens: "5000",
        budgetWindow: "month",
        allowedModels: "gpt-4o, claude-sonnet-4-6",
        _csrf: csrf,
      },
      cookie,
    );
    expect(created.status).toBe(201);
    const html = await created.text();
    const key = html.match(/data-created-key>([^<]+)</)?.[1];
    expect(key).toMatch(/^sk-sluice-/);
    const id = html.match(/Its id is <code>([^<]+)</)![1]!;
    expect(await keys.get(id)).toMatchObject({
      name: "from the page",
      budget: { tokens: 5000, window: "month" },
      allowedModels: ["gpt-4o", "claude-sonnet-4-6"],
    });
    expect(await (await page("", { headers: { cookie } })).text()).not.toContain(key);

    const update = await form(
      `/keys/${id}`,
      { action: "update", budgetTokens: "", allowedModels: "", _csrf: csrf },
      cookie,
    );
    expect(update.status).toBe(303);
    expect(update.headers.get("location")).toBe(`/_sluice/dashboard?done=update&id=${id}`);
    const updated = await keys.get(id);
    expect(updated?.budget).toBeUndefined();
    expect(updated?.allowedModels).toBeUndefined();
    await form(`/keys/${id}`, { action: "disable", _csrf: csrf }, cookie);
    expect((await keys.get(id))?.disabled).toBe(true);
    const refused = await post(
      `${stack.url}/anthropic/v1/messages`,
      JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 5,
        messages: [{ role: "user", content: "hi" }],
      }),
      anthropicHeaders(key),
    );
    expect(refused.status).toBe(401);
    const bad = await form(`/keys/${id}`, { action: "update", budgetTokens: "-3", _csrf: csrf }, cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("budget must be");
    await form(`/keys/${id}`, { action: "revoke", _csrf: csrf }, cookie);
    expect(await keys.get(id)).toBeNull();
  });
});

describe("usage rows behind the dashboard", () => {
  it("records the model, unpriced calls and errors by failure name; the page and /_sluice/usage agree", async () => {
    const { key, record } = await createKey("rows");
    const headers = { ...bearerHeaders(key), "x-fake-usage": "input=1000,output=10" };
    const chat = (model: string, extra: Record<string, string> = {}) =>
      post(
        `${stack.url}/openai/v1/chat/completions`,
        JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
        { ...headers, ...extra },
      );
    expect((await chat("gpt-4o-mini")).status).toBe(200);
    expect((await chat("gpt-4o-mini")).status).toBe(200);
    expect((await chat("house-model-7b")).status).toBe(200);
    expect((await chat("gpt-4o-mini", { "x-fake-fault": "status=500" })).status).toBe(500);
    await stack.flush();
    const today = new Date().toISOString().slice(0, 10);
    const raw = await (
      await fetch(`${stack.url}/_sluice/usage?key=${record.id}&day=${today}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      })
    ).text();
    // gpt-4o-mini: 1000 × $0.15 + 10 × $0.60 per million, twice = $0.000312, printed as a plain decimal.
    expect(raw).toContain('"costUsd":0.000312000');
    expect(raw).not.toMatch(/\de-\d/);
    const report = JSON.parse(raw) as {
      total: { requests: number; unpriced: number; errors: Record<string, number>; costNanoUsd: number };
      models: Record<string, { requests: number; unpriced: number }>;
    };
    expect(report.total).toMatchObject({ requests: 4, unpriced: 1, costNanoUsd: 312_000 });
    expect(report.total.errors).toEqual({ upstream_error: 1 });
    expect(report.models["house-model-7b"]).toMatchObject({ requests: 1, unpriced: 1 });
    expect(report.models["gpt-4o-mini"]?.requests).toBe(3);

    const cookie = await login();
    const html = await (await page("?days=1", { headers: { cookie } })).text();
    const row = html.match(new RegExp(`<tr data-key="${record.id}">(.*?)</tr>`))![1]!;
    const value = (field: string) => row.match(new RegExp(`data-field="${field}" data-value="([^"]*)"`))?.[1];
    expect(value("requests")).toBe("4");
    expect(value("inputTokens")).toBe("3000");
    expect(value("costUsd")).toBe("0.000312000");
    expect(value("errors")).toBe("1");
  });

  it("counts a call by the model that answered: a fallback's, priced at its price", async () => {
    const rows = memoryUsageStore();
    const own = await startStack(
      {
        upstream: {
          retry: { maxRetries: 0 },
          fallbacks: { "claude-sonnet-4-6": [{ model: "claude-haiku-4-5" }] },
        },
        stores: { usage: rows },
      },
      fake,
    );
    try {
      const body = JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      });
      const answer = await post(`${own.url}/anthropic/v1/messages`, body, {
        ...anthropicHeaders(),
        "x-fake-fault": `status=529,times=1,id=dashboard-fallback-${Date.now()}`,
        "x-fake-usage": "input=1000000,output=0",
      });
      expect(answer.status).toBe(200);
      await answer.text();
      await own.flush();
      const hour = hourOf(Date.now());
      const found = await rows.query({ from: hourOf(Date.now() - 3_600_000), to: hour });
      expect(found.map((r) => r.model)).toEqual(["claude-haiku-4-5"]);
      // A million input tokens at Haiku 4's $1, not Sonnet's $3.
      expect(found[0]?.counters).toMatchObject({ requests: 1, costNanoUsd: 1_000_000_000, unpriced: 0 });
    } finally {
      await own.close();
    }
  });

  it("a page with 40 keys, 6 models and 30 days of hourly rows stays under 50 KB gzipped", async () => {
    const store = memoryUsageStore();
    const now = Date.now();
    for (let h = 0; h < 30 * 24; h += 3) {
      for (let k = 0; k < 40; k++) {
        const counters = {
          ...emptyCounters(),
          requests: 3,
          inputTokens: 1234,
          outputTokens: 99,
          costNanoUsd: 123_456,
          latencyMs: 900,
          errors: { overloaded: 1 },
        };
        await store.add({
          keyId: `key_${k}`,
          model: `model-${k % 6}`,
          hour: hourOf(now - h * 3_600_000),
          counters,
        });
      }
    }
    const data = await dashboardData({ usage: store, keys: memoryKeyStore() }, 30, now);
    const html = dashboardPage(data, { path: "/_sluice/dashboard", csrf: "x".repeat(43), period: 30 });
    const gzipped = gzipSync(html).length;
    expect(data.keys).toHaveLength(40);
    expect(gzipped).toBeLessThan(50 * 1024);
  });
});
