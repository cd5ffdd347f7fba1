// The budget escapes of issue 12 through the whole Worker in workerd, budgets and the single-flight gate in
// the real SluiceRateLimiter Durable Object, against the fake upstream. OpenAI calls go through the
// official SDK; Anthropic calls are sent in its wire shape (the SDK is not a dependency of this package).
import { env } from "cloudflare:workers";
import OpenAI from "openai";
import { describe, expect, inject, test } from "vitest";
import { worker } from "./worker-client.js";

const fakeUrl = inject("fakeUrl" as never) as string;
const REPLY =
  "Sluice fake upstream says hello: this reply is deterministic, so every test can check it byte for byte.";

const admin = (path: string, init: { method?: string; body?: object } = {}) =>
  worker.fetch(
    new Request(`https://sluice.test/_sluice/${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${env.SLUICE_ADMIN_KEY}`, "content-type": "application/json" },
      body: init.body ? JSON.stringify(init.body) : undefined,
    }),
  );

/** A key with a daily budget, a unique marker for its upstream requests, and a way to read its spend. */
async function budgetKey(tokens: number) {
  const response = await admin("keys", {
    method: "POST",
    body: { budget: { tokens, window: "day" }, rateLimit: { limit: 1000, windowSeconds: 60 } },
  });
  expect(response.status).toBe(201);
  const { key, record } = (await response.json()) as { key: string; record: { id: string } };
  const run = crypto.randomUUID();
  const remaining = async () =>
    ((await (await admin(`usage?key=${record.id}`)).json()) as { budget: { remaining: number } }).budget
      .remaining;
  /** Settlements land in waitUntil after the body ends: wait until the balance holds still. */
  const spent = async () => {
    let last = await remaining();
    for (let still = 0, i = 0; still < 5 && i < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = await remaining();
      still = now === last ? still + 1 : 0;
      last = now;
    }
    return tokens - last;
  };
  /** What the fake billed: its completed generation calls for this key, at `perCall` tokens each. */
  const billed = async (path: string, perCall: number) => {
    const records = (await (await fetch(`${fakeUrl}/_fake/records`)).json()) as {
      path: string;
      status: number;
      headers: Record<string, string>;
    }[];
    const mine = records.filter(
      (r) => r.headers["x-test-run"] === run && r.path === path && r.status === 200,
    );
    return { calls: mine.length, tokens: mine.length * perCall };
  };
  return { key, run, spent, billed };
}

const openai = (key: string, headers: Record<string, string>) =>
  new OpenAI({
    apiKey: key,
    baseURL: "https://sluice.test/openai/v1",
    maxRetries: 0,
    defaultHeaders: headers,
    fetch: (url: string | URL | Request, init?: RequestInit) => worker.fetch(new Request(url, init)),
  });

const anthropic = (key: string, body: object, headers: Record<string, string>, signal?: AbortSignal) =>
  worker.fetch(
    new Request("https://sluice.test/anthropic/v1/messages", {
      method: "POST",
      headers: {
        "x-api-key": key,
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        ...headers,
      },
      body: JSON.stringify(body),
      signal,
    }),
  );

describe("budget escapes in workerd (SluiceRateLimiter Durable Object)", () => {
  test("escape 1, Anthropic: a document by file id is counted before it is reserved", async () => {
    const budget = 50_000;
    const { key, run, spent, billed } = await budgetKey(budget);
    const headers = { "x-test-run": run, "x-fake-usage": "input=20000,output=50", "x-fake-fault": "drip=20" };
    const body = {
      model: "claude-haiku-4-5",
      max_tokens: 100,
      stream: true,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "file", file_id: "file_011CNha8iCJcU1wXNR6q4V8w" } },
            { type: "text", text: "Summarize this." },
          ],
        },
      ],
    };
    const responses = await Promise.all(Array.from({ length: 10 }, () => anthropic(key, body, headers)));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    const paid = await billed("/anthropic/v1/messages", 20_050);
    expect(paid.calls).toBe(responses.filter((r) => r.status === 200).length);
    expect(paid.calls).toBeGreaterThan(0);
    const charged = await spent();
    expect(charged).toBeGreaterThanOrEqual(paid.tokens);
    expect(charged).toBeLessThanOrEqual(budget + 20_050);
  });

  test("escape 1, OpenAI: image URLs cannot be counted, so such calls pass the key's gate one at a time", async () => {
    const budget = 50_000;
    const { key, run, spent, billed } = await budgetKey(budget);
    const client = openai(key, {
      "x-test-run": run,
      "x-fake-usage": "input=20000,output=50",
      "x-fake-fault": "drip=20",
    });
    const call = async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-4.1-mini",
        max_tokens: 100,
        stream: true,
        messages: [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: { url: "https://example.com/scan.png" } },
              { type: "text", text: "Transcribe this." },
            ],
          },
        ],
      });
      for await (const _ of stream);
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, call));
    const paid = await billed("/openai/v1/chat/completions", 20_050);
    expect(paid.calls).toBe(outcomes.filter((o) => o.status === "fulfilled").length);
    expect(paid.calls).toBeGreaterThan(0);
    const charged = await spent();
    expect(charged).toBeGreaterThanOrEqual(paid.tokens);
    expect(charged).toBeLessThanOrEqual(budget + 20_050);
  });

  test("escape 2: calls without max_tokens pass the gate one at a time and cannot jointly overrun", async () => {
    const budget = 20_000;
    const { key, run, spent, billed } = await budgetKey(budget);
    const client = openai(key, {
      "x-test-run": run,
      "x-fake-usage": "input=10,output=8000",
      "x-fake-fault": "drip=20",
    });
    const call = async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-4.1-mini",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "Write a long story." }],
      });
      for await (const _ of stream);
    };
    await Promise.allSettled(Array.from({ length: 8 }, call));
    const paid = await billed("/openai/v1/chat/completions", 8010);
    expect(paid.calls).toBeGreaterThan(0);
    const charged = await spent();
    expect(charged).toBeGreaterThanOrEqual(paid.tokens);
    expect(charged).toBeLessThanOrEqual(budget + 8010);
  });

  test("escape 3: a stream that did not ask for usage is charged its usage; the client sees no usage chunk", async () => {
    const budget = 400;
    const { key, run, spent, billed } = await budgetKey(budget);
    const client = openai(key, { "x-test-run": run, "x-fake-usage": "input=40,output=10" });
    let admitted = 0;
    for (let i = 0; i < 12; i++) {
      try {
        const stream = await client.chat.completions.create({
          model: "gpt-4.1-mini",
          max_tokens: 10,
          stream: true,
          messages: [{ role: "user", content: "Say hi." }],
        });
        let text = "";
        for await (const chunk of stream) {
          expect(chunk.choices.length).toBeGreaterThan(0);
          text += chunk.choices[0]?.delta.content ?? "";
        }
        expect(text).toBe(REPLY);
        admitted++;
        await spent(); // settled before the next call, as a day of sequential calls would be
      } catch (error) {
        expect((error as { status?: number }).status).toBe(429);
      }
    }
    const paid = await billed("/openai/v1/chat/completions", 50);
    expect(paid.calls).toBe(admitted);
    expect(admitted).toBeLessThan(12);
    const charged = await spent();
    expect(charged).toBeGreaterThanOrEqual(paid.tokens);
    expect(charged).toBeLessThanOrEqual(budget + 50);
  });

  test("escape 4: a client that leaves before the last event is charged no less than the provider bills", async () => {
    const { key, run, spent } = await budgetKey(10_000);
    // The fake bills 30 + 60 per call however early the client leaves; drip holds the closing events back.
    const headers = { "x-test-run": run, "x-fake-usage": "input=30,output=60", "x-fake-fault": "drip=150" };

    const leave = new AbortController();
    const stream = await openai(key, headers).chat.completions.create(
      {
        model: "gpt-4.1-mini",
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "Say hi." }],
      },
      { signal: leave.signal },
    );
    let text = "";
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        if (text === REPLY) leave.abort();
      }
    } catch {}
    expect(text).toBe(REPLY);

    const response = await anthropic(
      key,
      {
        model: "claude-haiku-4-5",
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      },
      headers,
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let events = "";
    while (!events.includes('"content_block_stop"')) {
      const { value, done } = await reader.read();
      if (done) break;
      events += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    expect(events).not.toContain("message_delta");
    expect(await spent()).toBeGreaterThanOrEqual(2 * 90);
  });
});
