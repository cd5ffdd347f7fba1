/**
 * `serve` in this process with a handler from `createHandler` on a real redis-server and the fake upstream
 * behind it; the official SDKs stream through it; a client that leaves mid-stream ends the upstream call; the
 * cache answers a repeat from Redis; background work is drained by `close`.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, type FakeUpstream, replyText, startFakeUpstream } from "@sluice/fake-upstream";
import { streamText } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../redis/test/tooling/redis-server.js";
import { createHandler, type NodeHandler, type NodeServer, serve } from "../src/index.js";

const KEY = "sluice-node-sdk-0001";
let redis: RedisServer;
let fake: FakeUpstream;
let handler: NodeHandler;
let server: NodeServer;

beforeAll(async () => {
  redis = await startRedisServer();
  fake = await startFakeUpstream();
  handler = createHandler({
    env: {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      OPENAI_API_KEY: FAKE_KEYS.openai,
      ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
      OPENAI_BASE_URL: fake.baseUrls.openai,
      SLUICE_KEYS: KEY,
      SLUICE_RATE_LIMIT: "1000/60s",
      SLUICE_CACHE_TTL: "60",
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    },
  });
  server = await serve(handler, { port: 0, hostname: "127.0.0.1", signals: [] });
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
  await redis?.stop();
});

describe("the official SDKs through serve()", () => {
  it("streams Anthropic messages", async () => {
    const client = new Anthropic({ apiKey: KEY, baseURL: `${server.url}/anthropic`, maxRetries: 0 });
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "hello" }],
    });
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text.length).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it("streams OpenAI chat chunks", async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${server.url}/openai/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "hello" }],
    });
    let chunks = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) chunks++;
    expect(chunks).toBeGreaterThan(0);
  });

  it("the Vercel AI SDK: @ai-sdk/anthropic at …/anthropic/v1, @ai-sdk/openai chat and responses", async () => {
    const anthropic = createAnthropic({ baseURL: `${server.url}/anthropic/v1`, apiKey: KEY });
    const openai = createOpenAI({ baseURL: `${server.url}/openai/v1`, apiKey: KEY });
    const texts: string[] = [];
    for (const model of [
      anthropic("claude-sonnet-4-6"),
      openai.chat("gpt-4.1-mini"),
      openai("gpt-4.1-mini"),
    ]) {
      let text = "";
      for await (const delta of streamText({ model, prompt: "hi", maxRetries: 0 }).textStream) text += delta;
      texts.push(text);
    }
    expect(texts).toEqual([replyText(), replyText(), replyText()]);
    expect(fake.records.slice(-3).map((r) => r.path)).toEqual([
      "/anthropic/v1/messages",
      "/openai/v1/chat/completions",
      "/openai/v1/responses",
    ]);
  });

  it("answers a repeated call from the Redis cache once the background write is drained", async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${server.url}/openai/v1`, maxRetries: 0 });
    const body = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "cache me" }] };
    await client.chat.completions.create(body);
    for (let i = 0; i < 100 && handler.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const before = fake.records.length;
    const { response } = await client.chat.completions.create(body).withResponse();
    expect(response.headers.get("x-sluice-cache")).toBe("HIT");
    expect(fake.records.length).toBe(before);
  });

  it("a client that leaves mid-stream aborts the upstream call", async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/openai/v1/chat/completions`, {
      method: "POST",
      signal: controller.signal,
      headers: {
        authorization: `Bearer ${KEY}`,
        "content-type": "application/json",
        "x-fake-events": "50",
        "x-fake-fault": "drip=100",
      },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        stream: true,
        messages: [{ role: "user", content: "a long answer please" }],
      }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const record = fake.records[fake.records.length - 1]!;
    for (let i = 0; i < 100 && !record.aborted; i++) await new Promise((r) => setTimeout(r, 20));
    expect(record.aborted).toBe(true);
  });
});
