/**
 * The defects found beside the budget escapes (issue 12): model policy on the model actually sent, fallbacks
 * priced and named as the model that answered, unpriced models flagged, odd upstream chunks; and one ending
 * per call (one metric point, one settled reservation) whatever happens to it.
 */
import Anthropic from "@anthropic-ai/sdk";
import { type FakeUpstream, REPLY_SENTENCE, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  billedTokens,
  createClientKey,
  estimateInputTokens,
  FAILURE_HEADER,
  modelRouting,
} from "../src/index.js";
import { memoryKeyStore, memoryRateLimitStore } from "../src/memory/index.js";
import type { ClientKeyRecord } from "../src/ports/index.js";
import { anthropicHeaders, bearerHeaders, post, type Stack, startStack } from "./helpers.js";

let fake: FakeUpstream;
let stack: Stack;
const keys = memoryKeyStore();
const rateLimit = memoryRateLimitStore();
/** Set by a test: the upstream's SSE bodies arrive as empty chunks and halves of one shared buffer. */
let oddChunks = false;
let faultId = 0;
const once = (fault: string) => `${fault},times=1,id=endings-${++faultId}`;

/** Re-chunks a body hostilely: an empty chunk before each, then each as two views of one buffer. */
function hostile(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(new Uint8Array(0));
        const shared = chunk.slice();
        const half = Math.floor(shared.byteLength / 2);
        controller.enqueue(shared.subarray(0, half));
        controller.enqueue(shared.subarray(half));
      },
    }),
  );
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  stack = await startStack(
    {
      clients: { keys },
      stores: { counters: rateLimit },
      middleware: [modelRouting({ tasks: { big: "gpt-4.1" }, aliases: { fast: "gpt-4.1-mini" } })],
      upstream: {
        fallbacks: {
          "claude-opus-4-1": [{ model: "claude-haiku-4-5" }],
          "claude-3-7-sonnet": [{ provider: "openai", model: "gpt-4.1-mini" }],
          "gpt-4.1-mini": [{ model: "gpt-4.1" }],
        },
        translate: true,
        streamResumption: true,
        timeouts: { streamIdleMs: 300 },
        fetch: async (url, init) => {
          const response = await fetch(url, init);
          const sse = response.headers.get("content-type")?.includes("text/event-stream");
          if (!oddChunks || !sse || !response.body) return response;
          return new Response(hostile(response.body), response);
        },
      },
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
  oddChunks = false;
});

async function newKey(fields: Partial<ClientKeyRecord> = {}, tokens = 100_000) {
  const { key, record } = await createClientKey({ budget: { tokens, window: "day" }, ...fields });
  await keys.put(record);
  const spent = async () => {
    await stack.flush();
    const day = new Date().toISOString().slice(0, 10);
    const policy = { capacity: tokens, refillPerSecond: 0 };
    return tokens - (await rateLimit.take(`budget:${record.id}:${day}`, 0, policy)).remaining;
  };
  return { key, spent };
}

const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "gpt-4.1-mini",
    max_tokens: 100,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  });
const messages = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-4-6",
    max_tokens: 100,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  });
const sentModels = () => fake.records.map((r) => (r.body ? JSON.parse(r.body).model : undefined));

describe("model policy applies to the model actually sent", () => {
  it("refuses task routing to a model the key may not use, sending nothing upstream", async () => {
    const { key } = await newKey({ allowedModels: ["gpt-4.1-mini"] });
    const response = await post(`${stack.url}/openai/v1/chat/completions`, chat(), {
      ...bearerHeaders(key),
      "x-sluice-task": "big",
    });
    expect(response.status).toBe(403);
    expect(response.headers.get(FAILURE_HEADER)).toBe("forbidden");
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("gpt-4.1");
    expect(fake.records).toHaveLength(0);
  });

  it("admits an alias that resolves to an allowed model", async () => {
    const { key } = await newKey({ allowedModels: ["gpt-4.1-mini"] });
    const response = await post(`${stack.url}/openai/v1/chat/completions`, chat({ model: "fast" }), {
      ...bearerHeaders(key),
    });
    expect(response.status).toBe(200);
    await response.text();
    expect(sentModels()).toEqual(["gpt-4.1-mini"]);
  });

  it("skips a fallback to a model the key may not use: it is never sent", async () => {
    const { key } = await newKey({ allowedModels: ["gpt-4.1-mini"] });
    const response = await post(`${stack.url}/openai/v1/chat/completions`, chat(), {
      ...bearerHeaders(key),
      "x-fake-fault": "status=503",
    });
    expect(response.status).toBeGreaterThanOrEqual(500);
    await response.text();
    expect(sentModels().length).toBeGreaterThan(0);
    expect(sentModels().every((m) => m === "gpt-4.1-mini")).toBe(true);
  });

  it("skips a fallback to a provider the key may not use", async () => {
    const { key } = await newKey({ allowedProviders: ["anthropic"] });
    const response = await post(
      `${stack.url}/anthropic/v1/messages`,
      messages({ model: "claude-3-7-sonnet" }),
      {
        ...anthropicHeaders(key),
        "x-fake-fault": "status=529",
      },
    );
    expect(response.status).toBe(529);
    await response.text();
    expect(fake.records.every((r) => r.provider === "anthropic")).toBe(true);
  });
});

describe("pricing", () => {
  it("prices and names a fallback's answer as the model that answered", async () => {
    const { key, spent } = await newKey();
    const client = new Anthropic({
      apiKey: key,
      baseURL: `${stack.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { "x-fake-usage": "input=1000,output=1000", "x-fake-fault": once("status=529") },
    });
    const message = await client.messages.create({
      model: "claude-opus-4-1",
      max_tokens: 2000,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content).toEqual([{ type: "text", text: REPLY_SENTENCE }]);
    expect(sentModels()).toEqual(["claude-opus-4-1", "claude-haiku-4-5"]);
    expect(await spent()).toBe(2000);
    expect(stack.metrics.points).toHaveLength(1);
    // claude-haiku-4-5 at $1 in, $5 out per million; Opus 4.1 would have been $15 and $75.
    expect(stack.metrics.points[0]).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5" });
    expect(stack.metrics.points[0]!.costUsd).toBeCloseTo((1000 * 1 + 1000 * 5) / 1e6, 12);
  });

  it("flags o3-pro and gpt-5-pro as unpriced (-1), never the price of o3 or gpt-5", async () => {
    const { key } = await newKey();
    for (const model of ["o3-pro", "gpt-5-pro", "o3"]) {
      const response = await post(
        `${stack.url}/openai/v1/chat/completions`,
        chat({ model }),
        bearerHeaders(key),
      );
      expect(response.status).toBe(200);
      await response.text();
    }
    await stack.flush();
    const costs = Object.fromEntries(stack.metrics.points.map((p) => [p.model, p.costUsd]));
    expect(costs["o3-pro"]).toBe(-1);
    expect(costs["gpt-5-pro"]).toBe(-1);
    expect(costs.o3).toBeGreaterThan(0);
  });
});

describe("one ending per call", () => {
  const reservationOf = (body: string) =>
    estimateInputTokens(new TextEncoder().encode(body).byteLength) + 100;

  it("odd chunks (empty, and views of one buffer) reach the client whole; usage and budget exact", async () => {
    const { key, spent } = await newKey();
    oddChunks = true;
    const client = new Anthropic({
      apiKey: key,
      baseURL: `${stack.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { "x-fake-usage": "input=40,output=15" },
    });
    const stream = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    expect(text).toBe(REPLY_SENTENCE);
    expect(await spent()).toBe(55);
    expect(stack.metrics.points).toHaveLength(1);
    expect(stack.metrics.points[0]).toMatchObject({ failure: "", inputTokens: 40, outputTokens: 15 });
  });

  const cases: {
    name: string;
    path: string;
    body: string;
    headers: Record<string, string>;
    failure: string;
    /** Whether the provider's final count is known at the end (then the charge is exact). */
    exact: boolean;
  }[] = [
    {
      name: "upstream reset mid-stream",
      path: "/openai/v1/chat/completions",
      body: chat({ stream: true }),
      headers: { "x-fake-fault": "reset-after=2" },
      failure: "stream_reset",
      exact: false,
    },
    {
      name: "upstream stall mid-stream",
      path: "/openai/v1/chat/completions",
      body: chat({ stream: true }),
      headers: { "x-fake-fault": "stall-after=2" },
      failure: "stream_stall",
      exact: false,
    },
    {
      name: "fallback after a 529",
      path: "/anthropic/v1/messages",
      body: messages({ model: "claude-opus-4-1", stream: true }),
      headers: { "x-fake-fault": once("status=529") },
      failure: "",
      exact: true,
    },
    {
      name: "translated fallback (Anthropic client, OpenAI answer)",
      path: "/anthropic/v1/messages",
      body: messages({ model: "claude-3-7-sonnet", stream: true }),
      headers: { "x-fake-fault": once("status=529") },
      failure: "",
      exact: true,
    },
    {
      name: "resumed stream",
      path: "/anthropic/v1/messages",
      body: messages({ stream: true }),
      headers: { "x-fake-fault": once("reset-after=2") },
      failure: "",
      exact: true,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const { key, spent } = await newKey();
      const auth = c.path.startsWith("/openai") ? bearerHeaders(key) : anthropicHeaders(key);
      const response = await post(`${stack.url}${c.path}`, c.body, {
        ...auth,
        ...c.headers,
        "x-fake-usage": "input=30,output=20",
      });
      expect(response.status).toBe(200);
      await response.text();
      await stack.flush();
      expect(stack.metrics.points).toHaveLength(1);
      const point = stack.metrics.points[0]!;
      expect(point.failure).toBe(c.failure);
      const charged = await spent();
      if (c.exact) expect(charged).toBe(billedTokens({ ...point }));
      else expect(charged).toBe(reservationOf(c.body));
      expect(charged).toBeGreaterThanOrEqual(50); // what the fake bills for one whole reply
    });
  }
});
