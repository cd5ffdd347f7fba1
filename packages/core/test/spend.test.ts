/**
 * Spend control over real HTTP against the fake upstream: managed keys and the admin API, token budgets
 * (reserve, settle, refund), count_tokens near the cap, cost and the usage endpoint.
 */
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FAILURE_HEADER, estimateInputTokens } from "../src/index.js";
import {
  memoryKeyStore,
  memoryRateLimitStore,
  memorySecrets,
  memoryUsageStore,
} from "../src/memory/index.js";
import type { ClientKeyRecord } from "../src/ports/index.js";
import {
  PROVIDER_SECRETS,
  type Stack,
  anthropicHeaders,
  bearerHeaders,
  post,
  startStack,
} from "./helpers.js";

const ADMIN = "admin-secret-for-tests-0001";
let fake: FakeUpstream;
let stack: Stack;
const keys = memoryKeyStore();
const rateLimit = memoryRateLimitStore();
const usage = memoryUsageStore();

beforeAll(async () => {
  fake = await startFakeUpstream();
  stack = await startStack(
    {
      secrets: memorySecrets({ ...PROVIDER_SECRETS, SLUICE_ADMIN_KEY: ADMIN }),
      clients: { keys },
      stores: { counters: rateLimit, usage },
    },
    fake,
  );
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
});
beforeEach(async () => {
  await stack.flush();
  stack.metrics.points.length = 0;
  fake.reset();
});

function admin(method: string, path: string, body?: unknown, key = ADMIN): Promise<Response> {
  return fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createKey(
  fields: Record<string, unknown> = {},
): Promise<{ key: string; record: ClientKeyRecord }> {
  const response = await admin("POST", "/_sluice/keys", fields);
  expect(response.status).toBe(201);
  return (await response.json()) as { key: string; record: ClientKeyRecord };
}

const messagesBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-4-6",
    max_tokens: 100,
    messages: [{ role: "user", content: "How much does this cost?" }],
    ...extra,
  });

async function claude(key: string, body = messagesBody(), headers: Record<string, string> = {}) {
  const response = await post(`${stack.url}/anthropic/v1/messages`, body, {
    ...anthropicHeaders(key),
    ...headers,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** The key's budget balance, read from the usage endpoint (which reads the bucket with a cost-0 take). */
async function remaining(id: string): Promise<number> {
  await stack.flush();
  const response = await admin("GET", `/_sluice/usage?key=${id}`);
  const body = (await response.json()) as { budget: { remaining: number } };
  return body.budget.remaining;
}

describe("admin API", () => {
  it("is locked: no key 401, wrong key 401, and shut (403) when SLUICE_ADMIN_KEY is unset", async () => {
    const none = await fetch(`${stack.url}/_sluice/keys`);
    expect(none.status).toBe(401);
    expect(none.headers.get(FAILURE_HEADER)).toBe("unauthorized");
    expect((await admin("GET", "/_sluice/keys", undefined, "wrong")).status).toBe(401);
    const shut = await startStack({ clients: { keys: memoryKeyStore() } }, fake);
    try {
      const response = await fetch(`${shut.url}/_sluice/keys`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
        "The admin API is disabled: set the SLUICE_ADMIN_KEY secret to enable it.",
      );
    } finally {
      await shut.close();
    }
  });

  it("creates a key shown once, lists, reads, updates and validates", async () => {
    const { key, record } = await createKey({ name: "ci", budget: { tokens: 5000, window: "day" } });
    expect(key).toMatch(/^sk-sluice-[A-Za-z0-9]{40}$/);
    expect(record).toEqual({
      id: expect.stringMatching(/^key_[0-9a-f]{12}$/),
      name: "ci",
      budget: { tokens: 5000, window: "day" },
    });
    expect((await claude(key)).status).toBe(200);

    const listed = (await (await admin("GET", "/_sluice/keys")).json()) as { keys: ClientKeyRecord[] };
    expect(listed.keys.find((k) => k.id === record.id)).toEqual(record);
    expect(JSON.stringify(listed)).not.toContain(key);

    const patched = await admin("PATCH", `/_sluice/keys/${record.id}`, {
      budget: null,
      allowedModels: ["claude-haiku-4-5"],
      rateLimit: "10/60s",
      expiresAt: "2099-01-01T00:00:00Z",
    });
    expect(await patched.json()).toEqual({
      id: record.id,
      name: "ci",
      allowedModels: ["claude-haiku-4-5"],
      rateLimit: { limit: 10, windowSeconds: 60 },
      expiresAt: Date.parse("2099-01-01T00:00:00Z"),
    });
    expect((await claude(key)).status).toBe(403); // the model scope applies on the next request
    expect(await (await admin("GET", `/_sluice/keys/${record.id}`)).json()).toMatchObject({ name: "ci" });

    for (const [body, message] of [
      [{ budget: { tokens: -1, window: "day" } }, "budget must be"],
      [{ colour: "red" }, "Unknown field colour"],
      [{ allowedProviders: ["nope"] }, "allowedProviders must be"],
    ] as const) {
      const response = await admin("PATCH", `/_sluice/keys/${record.id}`, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
    }
    expect((await admin("GET", "/_sluice/keys/key_nothere")).status).toBe(404);
    expect((await admin("PUT", "/_sluice/keys")).status).toBe(405);
  });

  it("refuses a revoked key on the very next request, and a disabled one until re-enabled", async () => {
    const { key, record } = await createKey({ name: "short-lived" });
    expect((await claude(key)).status).toBe(200);
    await admin("PATCH", `/_sluice/keys/${record.id}`, { disabled: true });
    const disabled = await claude(key);
    expect(disabled.status).toBe(401);
    expect(disabled.text).toContain("This API key has been revoked.");
    await admin("PATCH", `/_sluice/keys/${record.id}`, { disabled: false });
    expect((await claude(key)).status).toBe(200);
    expect(await (await admin("DELETE", `/_sluice/keys/${record.id}`)).json()).toEqual({
      id: record.id,
      deleted: true,
    });
    const gone = await claude(key);
    expect(gone.status).toBe(401);
    expect(gone.text).toContain("Invalid API key.");
    expect(fake.records.filter((r) => r.path === "/anthropic/v1/messages")).toHaveLength(2);
  });

  it("never stores or logs a key in the clear", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    try {
      const { key, record } = await createKey({
        name: "audited",
        budget: { tokens: 100_000, window: "month" },
      });
      await claude(key);
      await claude(key, messagesBody({ stream: true }));
      await admin("PATCH", `/_sluice/keys/${record.id}`, { disabled: true });
      await claude(key);
      await stack.flush();
      const stored = JSON.stringify(await keys.list());
      expect(stored).toContain(record.id);
      const random = key.slice("sk-sluice-".length);
      for (const text of [
        stored,
        JSON.stringify(stack.metrics.points),
        JSON.stringify(await (await admin("GET", "/_sluice/keys")).json()),
        JSON.stringify(spies.flatMap((s) => s.mock.calls)),
      ]) {
        expect(text).not.toContain(random);
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});

describe("budgets", () => {
  it("runs out mid-day across streamed and non-streamed calls: 429 naming the budget and its reset", async () => {
    const { key, record } = await createKey({ budget: { tokens: 500, window: "day" } });
    const usageHeader = { "x-fake-usage": "input=100,output=20" };
    const outcomes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await claude(key, messagesBody({ stream: i % 2 === 1 }), usageHeader);
      outcomes.push(result.status);
      await stack.flush(); // settled before the next call, as a day of sequential calls would be
      if (result.status === 429) {
        expect(result.headers.get(FAILURE_HEADER)).toBe("budget_exceeded");
        const error = JSON.parse(result.text) as { type: string; error: { type: string; message: string } };
        expect(error.type).toBe("error");
        expect(error.error.type).toBe("rate_limit_error");
        const midnight = new Date(new Date().toISOString().slice(0, 10)).getTime() + 86_400_000;
        expect(error.error.message).toContain("500 tokens per day");
        expect(error.error.message).toContain(`resets at ${new Date(midnight).toISOString()}`);
        expect(result.headers.get("x-should-retry")).toBe("false");
        const retryAfter = Number(result.headers.get("retry-after"));
        expect(Math.abs(retryAfter - (midnight - Date.now()) / 1000)).toBeLessThan(5);
      }
    }
    // Each call uses 120 tokens but may use up to 100 input + 100 output (max_tokens), and that worst
    // case is what is reserved: after three calls 140 are left, and the fourth (counted: 100 in + 100 out)
    // does not fit. Once refused, always refused.
    expect(outcomes).toEqual([200, 200, 200, 429, 429, 429]);
    expect(fake.records.filter((r) => r.path === "/anthropic/v1/messages")).toHaveLength(3);
    expect(await remaining(record.id)).toBe(140);
    // An OpenAI call from the same key is refused too, in OpenAI's error shape.
    const openai = await post(
      `${stack.url}/openai/v1/chat/completions`,
      JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 200 }),
      bearerHeaders(key),
    );
    expect(openai.status).toBe(429);
    expect(openai.headers.get(FAILURE_HEADER)).toBe("budget_exceeded");
    expect(((await openai.json()) as { error: { message: string } }).error.message).toContain(
      "Token budget exceeded",
    );
  });

  it("30 parallel streams against a budget that fits 10 reservations: exactly 10 admitted, balance exact after", async () => {
    const body = messagesBody({ stream: true, max_tokens: 200 });
    const input = estimateInputTokens(new TextEncoder().encode(body).byteLength);
    const reservation = input + 200;
    const { key, record } = await createKey({
      budget: { tokens: reservation * 10 + Math.floor(reservation / 2), window: "day" },
    });
    // Streams drip for ~1 s, so every reservation is still held while the others arrive; the count_tokens
    // answer (input=…) equals the estimate, so counting near the cap changes no reservation.
    const headers = {
      ...anthropicHeaders(key),
      "x-fake-usage": `input=${input},output=30`,
      "x-fake-fault": "drip=200",
    };
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => post(`${stack.url}/anthropic/v1/messages`, body, headers)),
    );
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.text()));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(fake.stats().counts["/anthropic/v1/messages"]).toBe(10);
    expect(await remaining(record.id)).toBe(
      reservation * 10 + Math.floor(reservation / 2) - 10 * (input + 30),
    );
  });

  it("releases the whole reservation of a call that died: upstream error, client abort before headers", async () => {
    const { key, record } = await createKey({ budget: { tokens: 10_000, window: "month" } });
    const failed = await claude(key, messagesBody(), { "x-fake-fault": "status=400" });
    expect(failed.status).toBe(400);
    expect(await remaining(record.id)).toBe(10_000);

    const control = new AbortController();
    const pending = post(`${stack.url}/anthropic/v1/messages`, messagesBody(), {
      ...anthropicHeaders(key),
      "x-fake-fault": "delay-headers=3000",
    });
    void pending.catch(() => {});
    const aborted = fetch(`${stack.url}/anthropic/v1/messages`, {
      method: "POST",
      body: messagesBody(),
      headers: {
        ...anthropicHeaders(key),
        "content-type": "application/json",
        "x-fake-fault": "delay-headers=3000",
      },
      signal: control.signal,
    }).catch((e: unknown) => e);
    for (let i = 0; i < 200 && fake.stats().inFlight < 2; i++) await new Promise((r) => setTimeout(r, 10));
    control.abort();
    expect((await pending).status).toBe(200);
    await (await pending).text();
    for (let i = 0; i < 200 && fake.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    // The completed call settled to its usage; the aborted one gave everything back.
    expect(await aborted).toBeInstanceOf(Error);
    await stack.flush();
    const done = stack.metrics.points.filter((p) => p.status === 200);
    expect(done).toHaveLength(1);
    expect(await remaining(record.id)).toBe(10_000 - done[0]!.inputTokens - done[0]!.outputTokens);
  });

  it("fails closed (503) when the budget store is down, or open with a visible mark when asked", async () => {
    const broken = { take: async () => Promise.reject(new Error("store down")) };
    const budgeted = memoryKeyStore();
    const { createClientKey } = await import("../src/index.js");
    const { key, record } = await createClientKey({ budget: { tokens: 1000, window: "day" } });
    await budgeted.put(record);
    const closed = await startStack({ clients: { keys: budgeted }, stores: { counters: broken } }, fake);
    const open = await startStack(
      { clients: { keys: budgeted }, stores: { counters: broken }, limits: { failOpen: true } },
      fake,
    );
    try {
      const refused = await post(
        `${closed.url}/anthropic/v1/messages`,
        messagesBody(),
        anthropicHeaders(key),
      );
      expect(refused.status).toBe(503);
      expect(refused.headers.get(FAILURE_HEADER)).toBe("state_unavailable");
      await refused.text();
      const through = await post(`${open.url}/anthropic/v1/messages`, messagesBody(), anthropicHeaders(key));
      expect(through.status).toBe(200);
      expect(through.headers.get("x-sluice-budget")).toBe("unchecked");
      await through.text();
    } finally {
      await Promise.all([closed.close(), open.close()]);
    }
  });
});

describe("count_tokens near the cap", () => {
  const countPath = "/anthropic/v1/messages/count_tokens";
  const geminiCount = "/gemini/v1beta/models/gemini-2.5-flash:countTokens";

  it("is not called far from the cap", async () => {
    const { key } = await createKey({ budget: { tokens: 1_000_000, window: "day" } });
    for (let i = 0; i < 3; i++)
      expect((await claude(key, messagesBody({ stream: i === 1 }))).status).toBe(200);
    const gemini = await post(
      `${stack.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent`,
      JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
      { "x-goog-api-key": key },
    );
    expect(gemini.status).toBe(200);
    await gemini.text();
    const counts = fake.stats().counts;
    expect(counts["/anthropic/v1/messages"]).toBe(3);
    expect(counts[countPath]).toBeUndefined();
    expect(counts[geminiCount]).toBeUndefined();
  });

  it("is called once the balance nears the cap, and refuses a call whose counted input + max output would cross it", async () => {
    const { key } = await createKey({ budget: { tokens: 1000, window: "day" } });
    const usageHeader = { "x-fake-usage": "input=300,output=100" };
    expect((await claude(key, messagesBody(), usageHeader)).status).toBe(200);
    await stack.flush();
    expect((await claude(key, messagesBody({ stream: true }), usageHeader)).status).toBe(200);
    await stack.flush();
    expect(fake.stats().counts[countPath]).toBeUndefined(); // 600, then 200 left: the reservations kept > 20%
    const third = await claude(key, messagesBody(), usageHeader);
    expect(third.status).toBe(429); // counted 300 + max_tokens 100 > the 200 left
    expect(fake.stats().counts[countPath]).toBe(1);
    expect(fake.stats().counts["/anthropic/v1/messages"]).toBe(2);
    // The counting request carries only the fields count_tokens accepts.
    const counted = JSON.parse(fake.records.find((r) => r.path === countPath)!.body!) as Record<
      string,
      unknown
    >;
    expect(Object.keys(counted).sort()).toEqual(["messages", "model"]);
  });

  it("admits a call the byte estimate would refuse when the provider's count fits (Anthropic and Gemini)", async () => {
    const long = "word ".repeat(1000); // ~1250 tokens by the byte estimate; the fake counts 50
    const { key, record } = await createKey({ budget: { tokens: 1000, window: "day" } });
    const headers = { "x-fake-usage": "input=50,output=10" };
    const ok = await claude(key, messagesBody({ messages: [{ role: "user", content: long }] }), headers);
    expect(ok.status).toBe(200);
    const gemini = await post(
      `${stack.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent`,
      JSON.stringify({ contents: [{ parts: [{ text: long }] }], generationConfig: { maxOutputTokens: 100 } }),
      { "x-goog-api-key": key, ...headers },
    );
    expect(gemini.status).toBe(200);
    await gemini.text();
    expect(fake.stats().counts[countPath]).toBe(1);
    expect(fake.stats().counts[geminiCount]).toBe(1);
    const geminiBody = JSON.parse(fake.records.find((r) => r.path === geminiCount)!.body!) as {
      generateContentRequest: { model: string; contents: unknown[] };
    };
    expect(geminiBody.generateContentRequest.model).toBe("models/gemini-2.5-flash");
    expect(await remaining(record.id)).toBe(1000 - 2 * 60);
    // OpenAI has no counting endpoint: the estimate alone decides, and no count is requested.
    const openai = await post(
      `${stack.url}/openai/v1/chat/completions`,
      JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: long }] }),
      { ...bearerHeaders(key), ...headers },
    );
    expect(openai.status).toBe(429);
    await openai.text();
    expect(Object.keys(fake.stats().counts).filter((p) => p.startsWith("/openai"))).toEqual([]);
  });
});

describe("cost and the usage endpoint", () => {
  // claude-sonnet-4-6 at $3 input, $3.75 5-minute write, $0.30 cache read, $15 output per million:
  // 1000×3 + 500×15 + 2000×0.30 + 400×3.75 = 12,600 millionths of a dollar.
  const USAGE = { "x-fake-usage": "input=1000,output=500,cache_read=2000,cache_write=400" };
  const HAND_COST = (1000 * 3 + 500 * 15 + 2000 * 0.3 + 400 * 3.75) / 1e6;

  it("writes the hand-computed cost with each call's metric point and sums it per key and day", async () => {
    const { key, record } = await createKey({ name: "costed" });
    expect((await claude(key, messagesBody(), USAGE)).status).toBe(200);
    expect((await claude(key, messagesBody({ stream: true }), USAGE)).status).toBe(200);
    await stack.flush();
    const points = stack.metrics.points.filter((p) => p.keyId === record.id);
    expect(points).toHaveLength(2);
    for (const p of points) expect(p.costUsd).toBeCloseTo(HAND_COST, 12);

    const today = new Date().toISOString().slice(0, 10);
    const response = await admin("GET", `/_sluice/usage?key=${record.id}&day=${today}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      days: Record<string, unknown>[];
      total: Record<string, number>;
    };
    expect(body.days).toHaveLength(1);
    expect(body.total).toMatchObject({
      requests: 2,
      inputTokens: 2000,
      outputTokens: 1000,
      cacheReadTokens: 4000,
      cacheWriteTokens: 800,
    });
    expect(body.total.costUsd).toBeCloseTo(2 * HAND_COST, 9);
    expect(body.total.cacheHitRate).toBeCloseTo(4000 / (2000 + 4000 + 800), 12);

    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const range = (await (
      await admin("GET", `/_sluice/usage?key=${record.id}&from=${yesterday}&to=${today}`)
    ).json()) as {
      days: { day: string; requests: number; cacheHitRate: number | null }[];
    };
    expect(range.days.map((d) => [d.day, d.requests, d.cacheHitRate === null])).toEqual([
      [yesterday, 0, true],
      [today, 2, false],
    ]);
  });

  it("answers clear 400s for bad queries", async () => {
    for (const [query, message] of [
      ["day=2026-01-01", "Name the key"],
      ["key=k&day=2026-13-01", "YYYY-MM-DD"],
      ["key=k&from=2026-01-01&to=2026-06-01", "at most 93 days"],
    ] as const) {
      const response = await admin("GET", `/_sluice/usage?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
    }
  });
});
