/**
 * The four ways a budget used to be escaped (issue 12), over real HTTP against the fake upstream and driven
 * by the official SDKs. Each asserts the invariants: the spend recorded is at least what the fake billed,
 * and never more than the budget plus the largest single call; and each call ends in exactly one metric point.
 */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { type FakeUpstream, REPLY_SENTENCE, splitReply, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClientKey } from "../src/index.js";
import { memoryKeyStore, memoryRateLimitStore } from "../src/memory/index.js";
import { type Stack, startStack } from "./helpers.js";

let fake: FakeUpstream;
let stack: Stack;
const keys = memoryKeyStore();
const rateLimit = memoryRateLimitStore();

beforeAll(async () => {
  fake = await startFakeUpstream();
  stack = await startStack({ clients: { keys }, stores: { counters: rateLimit } }, fake);
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

async function budgetKey(tokens: number): Promise<{ key: string; spent: () => Promise<number> }> {
  const { key, record } = await createClientKey({ budget: { tokens, window: "day" } });
  await keys.put(record);
  const spent = async () => {
    await stack.flush();
    const day = new Date().toISOString().slice(0, 10);
    const left = await rateLimit.take(`budget:${record.id}:${day}`, 0, {
      capacity: tokens,
      refillPerSecond: 0,
    });
    return tokens - left.remaining;
  };
  return { key, spent };
}

/** Upstream generation calls (count_tokens is free), each billed `perCall` tokens by the fake. */
const billed = (path: string, perCall: number) =>
  fake.records.filter((r) => r.path === path && r.status === 200).length * perCall;

async function expectOneEndingEach(calls: number) {
  await stack.flush();
  expect(stack.metrics.points).toHaveLength(calls);
}

describe("escape 1: inputs bigger than their bytes, in parallel", () => {
  it("Anthropic: a document by file id is counted before it is reserved", async () => {
    const budget = 50_000;
    const { key, spent } = await budgetKey(budget);
    const client = new Anthropic({
      apiKey: key,
      baseURL: `${stack.url}/anthropic`,
      maxRetries: 0,
      // The fake bills (and counts) 20,000 input tokens for the small body, as a real PDF would.
      defaultHeaders: { "x-fake-usage": "input=20000,output=50", "x-fake-fault": "drip=20" },
    });
    const call = async () => {
      const stream = await client.messages.create({
        model: "claude-sonnet-4-6",
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
      } as never);
      for await (const _ of stream as unknown as AsyncIterable<unknown>);
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, call));
    const admitted = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(admitted).toBeGreaterThan(0);
    const paid = billed("/anthropic/v1/messages", 20_050);
    expect(paid).toBe(admitted * 20_050);
    expect(await spent()).toBeGreaterThanOrEqual(paid);
    expect(await spent()).toBeLessThanOrEqual(budget + 20_050);
    await expectOneEndingEach(20);
  });

  it("OpenAI: image URLs cannot be counted, so such calls run one at a time per key", async () => {
    const budget = 50_000;
    const { key, spent } = await budgetKey(budget);
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${stack.url}/openai/v1`,
      maxRetries: 0,
      defaultHeaders: { "x-fake-usage": "input=20000,output=50", "x-fake-fault": "drip=20" },
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
              { type: "image_url", image_url: { url: "https://example.com/scan.png", detail: "high" } },
              { type: "text", text: "Transcribe this." },
            ],
          },
        ],
      });
      for await (const _ of stream);
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, call));
    const admitted = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(admitted).toBeGreaterThan(0);
    const paid = billed("/openai/v1/chat/completions", 20_050);
    expect(paid).toBe(admitted * 20_050);
    expect(await spent()).toBeGreaterThanOrEqual(paid);
    expect(await spent()).toBeLessThanOrEqual(budget + 20_050);
    expect(fake.stats().maxInFlight).toBe(1);
    await expectOneEndingEach(20);
  });
});

describe("escape 2: no max_tokens", () => {
  it("open-ended calls run one at a time per key: parallel calls cannot jointly overrun", async () => {
    const budget = 20_000;
    const { key, spent } = await budgetKey(budget);
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${stack.url}/openai/v1`,
      maxRetries: 0,
      // Each call writes 8,000 tokens: more than the 4,096 reserved for a call without a cap.
      defaultHeaders: { "x-fake-usage": "input=10,output=8000", "x-fake-fault": "drip=20" },
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
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, call));
    const admitted = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(admitted).toBeGreaterThan(0);
    const paid = billed("/openai/v1/chat/completions", 8010);
    expect(await spent()).toBeGreaterThanOrEqual(paid);
    expect(await spent()).toBeLessThanOrEqual(budget + 8010);
    await expectOneEndingEach(10);
  });
});

describe("escape 3: streams that carry no usage", () => {
  it("asks the upstream for usage for a budgeted key, and hides the usage chunk the client did not ask for", async () => {
    const budget = 400;
    const { key, spent } = await budgetKey(budget);
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${stack.url}/openai/v1`,
      maxRetries: 0,
      defaultHeaders: { "x-fake-usage": "input=40,output=10" },
    });
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
          expect(chunk.choices.length).toBeGreaterThan(0); // no usage-only chunk reaches the client
          text += chunk.choices[0]?.delta.content ?? "";
        }
        expect(text).toBe(REPLY_SENTENCE);
        admitted++;
      } catch (error) {
        expect((error as { status?: number }).status).toBe(429);
      }
      await stack.flush();
    }
    const paid = billed("/openai/v1/chat/completions", 50);
    expect(paid).toBe(admitted * 50);
    expect(admitted).toBeLessThan(12);
    expect(await spent()).toBeGreaterThanOrEqual(paid);
    expect(await spent()).toBeLessThanOrEqual(budget + 50);
    await expectOneEndingEach(12);
    expect(stack.metrics.points.filter((p) => p.status === 200).map((p) => p.outputTokens)).toEqual(
      Array(admitted).fill(10),
    );
    // One field changed upstream: include_usage appended as the body's last member, every other byte kept.
    const sent = fake.records[0]!.body!;
    const original = sent.replace(',"stream_options":{"include_usage":true}}', "}");
    expect(sent).not.toBe(original);
    expect(JSON.parse(original)).toEqual({
      model: "gpt-4.1-mini",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: "Say hi." }],
    });
  });
});

describe("escape 4: disconnect before the last event", () => {
  // The fake bills the whole reply (30 in, 60 out) however early the client leaves; drip holds the
  // closing events back, so the client has the whole text before the final usage is sent.
  const headers = { "x-fake-usage": "input=30,output=60", "x-fake-fault": "drip=150" };
  const BILLED = 90;
  const pieces = splitReply();

  it("Anthropic: charged no less than the reservation, not only the input", async () => {
    const { key, spent } = await budgetKey(10_000);
    const client = new Anthropic({
      apiKey: key,
      baseURL: `${stack.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: headers,
    });
    const stream = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "Say hi." }],
    });
    let text = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
      if (text === REPLY_SENTENCE) break; // leaves before message_delta carries the output count
    }
    expect(text).toBe(REPLY_SENTENCE);
    expect(await spent()).toBeGreaterThanOrEqual(BILLED);
    await expectOneEndingEach(1);
    expect(stack.metrics.points[0]!.failure).toBe("client_abort");
  });

  it("OpenAI: charged no less than the reservation, not zero", async () => {
    const { key, spent } = await budgetKey(10_000);
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${stack.url}/openai/v1`,
      maxRetries: 0,
      defaultHeaders: headers,
    });
    const stream = await client.chat.completions.create({
      model: "gpt-4.1-mini",
      max_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Say hi." }],
    });
    let text = "";
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (text === REPLY_SENTENCE) break;
    }
    expect(text).toBe(REPLY_SENTENCE);
    expect(await spent()).toBeGreaterThanOrEqual(BILLED);
    await expectOneEndingEach(1);
    expect(stack.metrics.points[0]!.failure).toBe("client_abort");
  });

  it("Gemini: charged no less than the reservation, not the partial count of the chunks so far", async () => {
    const { key, spent } = await budgetKey(10_000);
    const client = new GoogleGenAI({
      apiKey: key,
      httpOptions: { baseUrl: `${stack.url}/gemini`, headers },
    });
    const leave = new AbortController();
    const stream = await client.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "Say hi.",
      config: { maxOutputTokens: 100, abortSignal: leave.signal },
    });
    let text = "";
    try {
      for await (const chunk of stream) {
        text += chunk.text ?? "";
        // The last chunk carries the final count: leave one chunk before it.
        if (text === pieces.slice(0, -1).join("")) leave.abort();
      }
    } catch {}
    expect(text).toBe(pieces.slice(0, -1).join(""));
    expect(await spent()).toBeGreaterThanOrEqual(BILLED);
    await expectOneEndingEach(1);
    expect(stack.metrics.points[0]!.failure).toBe("client_abort");
  });
});
