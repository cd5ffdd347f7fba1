/**
 * End to end: the official Anthropic and OpenAI SDKs (here, in Node) → the Deno Deploy example under
 * `deno serve` (real Deno, real Deno KV in memory) → the fake upstream (a separate Node process).
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, replyText } from "@sluice/fake-upstream";
import { streamText } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMetricLines } from "../../src/metrics.ts";
import { type Child, startStack } from "./processes.ts";

const KEYS = {
  stream: "sluice-e2e-stream-0001",
  cache: "sluice-e2e-cache-0002",
  limit: "sluice-e2e-limit-0003",
  ai: "sluice-e2e-ai-sdk-0004",
};
const LIMIT = 5;
let fake: Child;
let deno: Child;
let fakeUrl: string;
let gatewayUrl: string;
/** Everything a client saw: bodies, headers, errors. Checked for provider keys at the end. */
const seen: string[] = [];

beforeAll(async () => {
  ({ fake, deno, fakeUrl, gatewayUrl } = await startStack(
    {
      SLUICE_KEYS: Object.values(KEYS).join(","),
      SLUICE_RATE_LIMIT: `${LIMIT}/60s`,
      SLUICE_CACHE_TTL: "60",
    },
    FAKE_KEYS,
  ));
});

afterAll(async () => {
  if (process.env.SHOW_DENO_LOG) console.log(deno?.output());
  await deno?.stop();
  await fake?.stop();
});

const anthropic = (key: string) =>
  new Anthropic({ apiKey: key, baseURL: `${gatewayUrl}/anthropic`, maxRetries: 0 });
const openai = (key: string) =>
  new OpenAI({ apiKey: key, baseURL: `${gatewayUrl}/openai/v1`, maxRetries: 0 });
const upstreamCalls = async () =>
  ((await (await fetch(`${fakeUrl}/_fake/records`)).json()) as unknown[]).length;

/** Metric lines arrive after the response ends: wait until `count` are in the server's log. */
async function metricsWhen(count: number) {
  for (let i = 0; i < 100; i++) {
    const points = parseMetricLines(deno.output().split("\n"));
    if (points.length >= count) return points;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected ${count} metric lines in:\n${deno.output()}`);
}

describe("the Deno Deploy example under deno serve", () => {
  it("streams Anthropic events through the official SDK", async () => {
    const stream = await anthropic(KEYS.stream).messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    seen.push(text, types.join());
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(text.length).toBeGreaterThan(0);
  });

  it("streams OpenAI chunks through the official SDK", async () => {
    const stream = await openai(KEYS.stream).chat.completions.create({
      model: "gpt-4.1-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      usage += chunk.usage?.completion_tokens ?? 0;
    }
    seen.push(text);
    expect(text.length).toBeGreaterThan(0);
    expect(usage).toBeGreaterThan(0);
  });

  it("answers a repeated non-streamed call from the Deno KV cache", async () => {
    const before = await upstreamCalls();
    const client = openai(KEYS.cache);
    const ask = () =>
      client.chat.completions
        .create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "cache me" }] })
        .withResponse();
    const first = await ask();
    const second = await ask();
    seen.push(JSON.stringify(first.data), JSON.stringify(second.data));
    seen.push(JSON.stringify([...first.response.headers]), JSON.stringify([...second.response.headers]));
    expect(first.response.headers.get("x-sluice-cache")).toBe("MISS");
    expect(second.response.headers.get("x-sluice-cache")).toBe("HIT");
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(await upstreamCalls()).toBe(before + 1);
  });

  it("answers 429 with retry-after once a key's bucket is empty", async () => {
    const client = anthropic(KEYS.limit);
    const ask = () =>
      client.messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      });
    for (let i = 0; i < LIMIT; i++) await ask();
    const error = await ask().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const limited = error as InstanceType<typeof Anthropic.RateLimitError>;
    seen.push(String(limited.message), JSON.stringify(limited.error), JSON.stringify([...limited.headers]));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((limited.error as { type?: string })?.type).toBe("error");
  });

  it("logs one JSON metric line per call, with cache and rate-limit outcomes", async () => {
    // 2 streams + 2 cached calls + LIMIT admitted + 1 denied.
    const points = await metricsWhen(4 + LIMIT + 1);
    expect(points.filter((p) => p.stream && p.status === 200)).toHaveLength(2);
    expect(points.some((p) => p.cache === "HIT" && p.provider === "openai")).toBe(true);
    expect(points.some((p) => p.status === 429)).toBe(true);
    expect(points.every((p) => p.keyId === "" || /^key_/.test(p.keyId))).toBe(true);
    expect(points.find((p) => p.stream && p.provider === "anthropic")?.outputTokens).toBeGreaterThan(0);
  });

  // After the metric-line count above: these calls stream too.
  it("the Vercel AI SDK streams through it: @ai-sdk/anthropic at …/anthropic/v1, @ai-sdk/openai chat and responses", async () => {
    const anthropicAi = createAnthropic({ baseURL: `${gatewayUrl}/anthropic/v1`, apiKey: KEYS.ai });
    const openaiAi = createOpenAI({ baseURL: `${gatewayUrl}/openai/v1`, apiKey: KEYS.ai });
    const texts: string[] = [];
    for (const model of [
      anthropicAi("claude-sonnet-4-6"),
      openaiAi.chat("gpt-4.1-mini"),
      openaiAi("gpt-4.1-mini"),
    ]) {
      let text = "";
      for await (const delta of streamText({ model, prompt: "hi", maxRetries: 0 }).textStream) text += delta;
      texts.push(text);
    }
    seen.push(...texts);
    expect(texts).toEqual([replyText(), replyText(), replyText()]);
  });

  it("never shows a provider key or a client key to clients or in logs", () => {
    const logs = deno.output();
    for (const secret of [FAKE_KEYS.anthropic, FAKE_KEYS.openai]) {
      expect(seen.join("\n")).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    for (const key of Object.values(KEYS)) expect(logs).not.toContain(key);
    expect(seen.length).toBeGreaterThan(5);
  });
});
