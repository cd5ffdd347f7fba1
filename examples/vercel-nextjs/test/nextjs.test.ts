/**
 * The example as a user deploys it: `next build`, then `next start` on loopback, the catch-all route on the
 * Node.js runtime (`/…`) and on Edge (`/edge/…`), Upstash REST over a real redis-server for rate limits and
 * budgets, the fake upstream behind, the official SDKs and the AI SDK in front. A second server from the same
 * build has `SLUICE_RATE_LIMIT` and no Upstash: every call must fail with the fix, none admitted.
 */
import { readFileSync } from "node:fs";
import { generateText, streamText } from "ai";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUsageStore } from "../../../packages/redis/src/index.js";
import { type RedisServer, startRedisServer } from "../../../packages/redis/test/tooling/redis-server.js";
import { RespConnection } from "../../../packages/redis/test/tooling/resp.js";
import { respCommands } from "../../../packages/redis/test/tooling/resp-commands.js";
import {
  startUpstashBridge,
  type UpstashBridge,
} from "../../../packages/upstash/test/tooling/upstash-bridge.js";
import { allSeen, clientsFor } from "./clients.js";
import { buildApp, type RunningApp, startApp } from "./next-app.js";

const RUNTIMES = [
  ["nodejs", ""],
  ["edge", "/edge"],
] as const;
const LIMIT = 20;
const ADMIN_KEY = "sluice-next-admin-0001";
const CRON_KEY = "sluice-next-cron-secret-0001";
const NO_USAGE = {
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanoUsd: 0,
  unpriced: 0,
  cacheMisses: 0,
  latencyMs: 0,
  ttfbMs: 0,
  ttfbCount: 0,
  errors: {},
};
const keyOf = (runtime: string, use: string) => `sluice-next-${runtime}-${use}-0001`;
const clientKeys = RUNTIMES.flatMap(([runtime]) => ["general", "burst"].map((use) => keyOf(runtime, use)));

let redis: RedisServer;
let bridge: UpstashBridge;
let fake: FakeUpstream;
let app: RunningApp;
let misconfigured: RunningApp;
let buildOutput = "";
const managedKeys: string[] = [];

beforeAll(async () => {
  const building = buildApp();
  building.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  redis = await startRedisServer();
  fake = await startFakeUpstream();
  bridge = await startUpstashBridge(redis.port);
  buildOutput = await building;
  const providers = {
    ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
    OPENAI_API_KEY: FAKE_KEYS.openai,
    GEMINI_API_KEY: FAKE_KEYS.gemini,
    ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
    OPENAI_BASE_URL: fake.baseUrls.openai,
    GEMINI_BASE_URL: fake.baseUrls.gemini,
    SLUICE_KEYS: clientKeys.join(","),
    // A long window: no whole token refills while the test runs, so the counts are exact.
    SLUICE_RATE_LIMIT: `${LIMIT}/3600s`,
  };
  const started = await Promise.allSettled([
    startApp({
      ...providers,
      SLUICE_ADMIN_KEY: ADMIN_KEY,
      CRON_SECRET: CRON_KEY,
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: bridge.token,
    }),
    startApp(providers),
  ]);
  // Kept even when the other failed to start, so afterAll stops every server that did.
  [app, misconfigured] = started.map((s) => (s.status === "fulfilled" ? s.value : undefined)) as RunningApp[];
  for (const failed of started) if (failed.status === "rejected") throw failed.reason;
});

afterAll(async () => {
  await Promise.all([app?.stop(), misconfigured?.stop()]);
  await Promise.all([fake?.close(), bridge?.close()]);
  await redis?.stop();
});

it("builds both routes with next build, one per runtime, nothing fetched", () => {
  expect(buildOutput).toMatch(/ƒ \/\[\.\.\.path\]/);
  expect(buildOutput).toMatch(/ƒ \/edge\/\[\.\.\.path\]/);
  expect(buildOutput).not.toMatch(/Installing|pnpm add|npm install|Downloading/i);
  // Next lists Edge functions here: the /edge route and only it, so the root route is on the Node.js runtime.
  const manifest = JSON.parse(
    readFileSync(new URL("../.next/server/middleware-manifest.json", import.meta.url), "utf8"),
  ) as { functions: Record<string, unknown> };
  expect(Object.keys(manifest.functions)).toEqual(["/edge/[...path]/route"]);
});

describe.each(RUNTIMES)("the %s runtime", (runtime, mount) => {
  const base = () => `${app.url}${mount}`;
  const clients = () => clientsFor(base(), keyOf(runtime, "general"));
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${base()}/_sluice/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    });

  it("streams Anthropic through the official SDK", async () => {
    const stream = clients().anthropic.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const events: string[] = [];
    stream.on("streamEvent", (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(events[0]).toBe("message_start");
    expect(events.filter((e) => e === "content_block_delta").length).toBeGreaterThan(1);
    expect(message.content[0]?.type).toBe("text");
  });

  it("streams OpenAI chat chunks through the official SDK", async () => {
    const stream = await clients().openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let chunks = 0;
    let text = "";
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(0);
  });

  it("answers Gemini through @google/genai, whole and streamed", async () => {
    const { gemini } = clients();
    const whole = await gemini.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    expect(whole.text?.length).toBeGreaterThan(0);
    let parts = 0;
    for await (const chunk of await gemini.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "hi",
    })) {
      if (chunk.text) parts++;
    }
    expect(parts).toBeGreaterThan(1);
  });

  it("streams through the AI SDK's Anthropic provider (base URL …/anthropic/v1)", async () => {
    const result = streamText({
      model: clients().aiAnthropic("claude-haiku-4-5"),
      prompt: "hi",
      maxRetries: 0,
    });
    let deltas = 0;
    let text = "";
    for await (const delta of result.textStream) {
      deltas++;
      text += delta;
    }
    expect(deltas).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(0);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it("answers the AI SDK's OpenAI provider on Chat Completions (.chat)", async () => {
    const { text, usage } = await generateText({
      model: clients().aiOpenai.chat("gpt-4o-mini"),
      prompt: "hi",
      maxRetries: 0,
    });
    expect(text.length).toBeGreaterThan(0);
    expect(usage.inputTokens).toBeGreaterThan(0);
  });

  it(`admits exactly ${LIMIT} of 60 concurrent calls on one key (rate limit in Upstash)`, async () => {
    const { openai } = clientsFor(base(), keyOf(runtime, "burst"));
    const before = fake.records.length;
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        openai.chat.completions
          .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `burst ${i}` }] })
          .then(
            () => "ok",
            (e: unknown) => (e instanceof OpenAI.RateLimitError ? "429" : `other: ${String(e)}`),
          ),
      ),
    );
    expect(outcomes.filter((o) => o === "ok").length).toBe(LIMIT);
    expect(outcomes.filter((o) => o === "429").length).toBe(60 - LIMIT);
    expect(fake.records.length - before).toBe(LIMIT);
  });

  it("spends a managed key's token budget (kept in Upstash) to 429 budget_exceeded", async () => {
    const created = await admin("keys", {
      method: "POST",
      body: JSON.stringify({ name: `next ${runtime}`, budget: { tokens: 150, window: "day" } }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    managedKeys.push(key);
    const { anthropic } = clientsFor(base(), key);
    let admitted = 0;
    let refused: unknown;
    for (let i = 0; i < 20 && refused === undefined; i++) {
      await anthropic.messages
        .create({
          model: "claude-haiku-4-5",
          max_tokens: 16,
          messages: [{ role: "user", content: `spend ${i}` }],
        })
        .then(
          () => admitted++,
          (e: unknown) => {
            refused = e;
          },
        );
    }
    expect(admitted).toBeGreaterThan(0);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    const limited = refused as InstanceType<typeof Anthropic.RateLimitError>;
    expect(limited.headers?.get("x-sluice-failure")).toBe("budget_exceeded");
    expect(limited.headers?.get("x-should-retry")).toBe("false");
  });

  it("with SLUICE_RATE_LIMIT and no Upstash, refuses all of 70 parallel calls with a 500 naming the fix", async () => {
    const { anthropic } = clientsFor(`${misconfigured.url}${mount}`, keyOf(runtime, "general"));
    const before = fake.records.length;
    const outcomes = await Promise.all(
      Array.from({ length: 70 }, () =>
        anthropic.messages
          .create({ model: "claude-haiku-4-5", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
          .then(
            () => "admitted",
            (e: unknown) => e,
          ),
      ),
    );
    expect(outcomes.filter((o) => o === "admitted")).toEqual([]);
    expect(fake.records.length).toBe(before);
    const error = outcomes[0] as InstanceType<typeof Anthropic.InternalServerError>;
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const message = (error.error as { error: { message: string } }).error.message;
    expect(message).toContain('SLUICE_RATE_LIMIT is "20/3600s" but there is no counters store');
    expect(message).toContain("it needs Upstash Redis");
    expect(message).toContain("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
    expect(misconfigured.output.join("\n")).toContain(
      '[sluice] configuration error: SLUICE_RATE_LIMIT is "20/3600s"',
    );
  });
});

describe("the housekeeping cron route (vercel.json)", () => {
  const cron = (url: string, secret?: string) =>
    fetch(`${url}/api/sluice-housekeeping`, { headers: secret ? { authorization: `Bearer ${secret}` } : {} });
  const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

  it("is the path vercel.json schedules", () => {
    const config = JSON.parse(readFileSync(new URL("../vercel.json", import.meta.url), "utf8")) as {
      crons: { path: string; schedule: string }[];
    };
    expect(config.crons).toEqual([{ path: "/api/sluice-housekeeping", schedule: expect.any(String) }]);
    expect(buildOutput).toMatch(/ƒ \/api\/sluice-housekeeping/);
  });

  it("answers 401 without the bearer or with a wrong one, and 500 naming the fix without CRON_SECRET", async () => {
    for (const secret of [undefined, "sluice-next-cron-wrong-0001"]) {
      const refused = await cron(app.url, secret);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { type: string } }).error.type).toBe("unauthorized");
    }
    const unset = await cron(misconfigured.url, CRON_KEY);
    expect(unset.status).toBe(500);
    const { error } = (await unset.json()) as { error: { message: string } };
    expect(error.message).toContain("CRON_SECRET is not set");
    expect(error.message).toContain("Environment Variables");
  });

  it("rolls old usage into one row a day and deletes it past the retention; /_sluice/usage sums the same", async () => {
    const connection = await RespConnection.open(redis.port);
    try {
      // Seeded through the same layout the app's Upstash store reads (default prefix).
      const seed = redisUsageStore(respCommands(connection));
      const [old, ancient] = [dayAgo(10), dayAgo(500)];
      const row = (hour: string, requests: number) => ({
        keyId: "cron-seeded",
        model: "gpt-4o-mini",
        hour,
        counters: { ...NO_USAGE, requests, inputTokens: 100 * requests },
      });
      await seed.add(row(`${old}T03`, 1));
      await seed.add(row(`${old}T17`, 2));
      await seed.add(row(`${ancient}T05`, 4));
      const usage = async (day: string) => {
        const response = await fetch(`${app.url}/_sluice/usage?key=cron-seeded&day=${day}`, {
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        });
        const { total } = (await response.json()) as { total: { requests: number; inputTokens: number } };
        return [total.requests, total.inputTokens];
      };
      expect([await usage(old), await usage(ancient)]).toEqual([
        [3, 300],
        [4, 400],
      ]);

      const ran = await cron(app.url, CRON_KEY);
      expect(ran.status).toBe(200);
      const report = (await ran.json()) as Record<string, unknown>;
      expect(report).toMatchObject({ rolledUpBefore: dayAgo(7), prunedBefore: dayAgo(400), more: false });
      expect(report.rolledUp).toBeGreaterThanOrEqual(2);
      expect(report.pruned).toBeGreaterThanOrEqual(1);

      const [fields] = await connection.send([["HKEYS", `sluice:usage:rows:${old}:cron-seeded`]]);
      expect((fields as Buffer[]).map((f) => String(f).slice(0, 6)).sort()).toEqual(['["00",', '["00",']);
      expect([await usage(old), await usage(ancient)]).toEqual([
        [3, 300],
        [0, 0],
      ]);
      expect(app.output.some((line) => line.startsWith('{"event":"sluice.housekeeping"'))).toBe(true);
    } finally {
      connection.close();
    }
  });
});

describe("what the function logs and the clients saw", () => {
  it("one JSON log line per call from both runtimes, and no secret anywhere", async () => {
    const calls = app.output
      .filter((line) => line.startsWith('{"event":"sluice.metric"'))
      .map((line) => JSON.parse(line) as { keyId: string; status: number });
    expect(calls.filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(2 * (LIMIT + 6));
    expect(calls.filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(2 * (60 - LIMIT));
    const everything = [await allSeen(), ...app.output, ...misconfigured.output].join("\n");
    const secrets = [
      ...Object.values(FAKE_KEYS),
      bridge.token,
      ADMIN_KEY,
      CRON_KEY,
      ...clientKeys,
      ...managedKeys,
    ];
    expect(managedKeys.length).toBe(2);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it("the route the test ran is the snippet in both READMEs", () => {
    const route = readFileSync(new URL("../app/[...path]/route.ts", import.meta.url), "utf8");
    for (const readme of ["../README.md", "../../../packages/vercel/README.md"]) {
      expect(readFileSync(new URL(readme, import.meta.url), "utf8")).toContain(route);
    }
  });
});
