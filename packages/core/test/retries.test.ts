/**
 * Retries happen only before the first byte reaches the client; after it, upstream faults end the stream with
 * a clean error event in the provider's format. Client disconnects abort the upstream request.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAILURE_HEADER } from "../src/index.js";
import {
  CLIENT_KEY,
  type Stack,
  anthropicHeaders,
  bearerHeaders,
  post,
  readText,
  startStack,
} from "./helpers.js";

const IDLE_MS = 400;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    upstream: {
      retry: { baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 2_000 },
      timeouts: { streamIdleMs: IDLE_MS },
    },
  });
});
afterAll(() => stack.close());
beforeEach(async () => {
  await stack.flush();
  stack.fake.reset();
  stack.metrics.points.length = 0;
});

const anthropicBody = (stream: boolean) =>
  JSON.stringify({
    model: "claude-sonnet-4-6",
    max_tokens: 64,
    stream,
    messages: [{ role: "user", content: "hi" }],
  });
const openAiBody = (stream: boolean) =>
  JSON.stringify({ model: "gpt-4.1-mini", stream, messages: [{ role: "user", content: "hi" }] });

const messages = (headers: Record<string, string>, stream = false) =>
  post(`${stack.url}/anthropic/v1/messages`, anthropicBody(stream), { ...anthropicHeaders(), ...headers });

async function onlyPoint() {
  await stack.flush();
  expect(stack.metrics.points).toHaveLength(1);
  return stack.metrics.points[0]!;
}

describe("retries before the first byte", () => {
  it("retries a 529 and returns the success", async () => {
    const response = await messages({ "x-fake-fault": "status=529,times=1,id=overload" });
    expect(response.status).toBe(200);
    expect(response.headers.get(FAILURE_HEADER)).toBeNull();
    expect(((await response.json()) as { type: string }).type).toBe("message");
    expect(stack.fake.records.map((r) => r.status)).toEqual([529, 200]);
    expect(await onlyPoint()).toMatchObject({ retries: 1, status: 200, failure: "" });
  });

  it("retries 5xx and 429 on OpenAI too", async () => {
    for (const status of [500, 503, 429]) {
      stack.fake.reset();
      const response = await post(`${stack.url}/openai/v1/chat/completions`, openAiBody(false), {
        ...bearerHeaders(),
        "x-fake-fault": `status=${status},times=1,id=o${status}`,
      });
      expect(response.status, String(status)).toBe(200);
      await response.arrayBuffer();
      expect(stack.fake.records.map((r) => r.status)).toEqual([status, 200]);
    }
  });

  it("waits at least the upstream's retry-after (seconds) before retrying", async () => {
    const response = await messages({ "x-fake-fault": "status=429,retry-after=1,times=1,id=ra" });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const [first, second] = stack.fake.records;
    expect(second!.startedAt - first!.startedAt).toBeGreaterThanOrEqual(1_000 - 5);
  });

  it("waits at least the upstream's retry-after-ms before retrying", async () => {
    const response = await messages({ "x-fake-fault": "status=529,retry-after-ms=600,times=1,id=ram" });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const [first, second] = stack.fake.records;
    expect(second!.startedAt - first!.startedAt).toBeGreaterThanOrEqual(600 - 5);
  });

  it("does not wait for a retry-after above maxRetryAfterMs: the error goes back at once", async () => {
    const response = await messages({ "x-fake-fault": "status=429,retry-after=30" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(response.headers.get(FAILURE_HEADER)).toBe("upstream_rate_limited");
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
    expect(stack.fake.records).toHaveLength(1);
    expect(await onlyPoint()).toMatchObject({ retries: 0, status: 429, failure: "upstream_rate_limited" });
  });

  it("gives up after maxRetries with the upstream's error and x-should-retry: false", async () => {
    const response = await messages({ "x-fake-fault": "status=529" });
    expect(response.status).toBe(529);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect(response.headers.get(FAILURE_HEADER)).toBe("overloaded");
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("overloaded_error");
    expect(stack.fake.records).toHaveLength(3);
    expect(await onlyPoint()).toMatchObject({ retries: 2, status: 529, failure: "overloaded" });
  });

  it("stops official SDKs from retrying on top (3 upstream calls, not 9)", async () => {
    const anthropic = new Anthropic({
      apiKey: CLIENT_KEY,
      baseURL: `${stack.url}/anthropic`,
      maxRetries: 2,
      defaultHeaders: { "x-fake-fault": "status=529" },
    });
    await expect(
      anthropic.messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.OverloadedError);
    expect(stack.fake.records).toHaveLength(3);

    stack.fake.reset();
    const openai = new OpenAI({
      apiKey: CLIENT_KEY,
      baseURL: `${stack.url}/openai/v1`,
      maxRetries: 2,
      defaultHeaders: { "x-fake-fault": "status=503" },
    });
    await expect(
      openai.chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(stack.fake.records).toHaveLength(3);
  });

  it("does not retry a 400, and names no failure the header does not name", async () => {
    const response = await messages({ "x-fake-fault": "status=400" });
    expect(response.status).toBe(400);
    expect(response.headers.get(FAILURE_HEADER)).toBeNull();
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(stack.fake.records).toHaveLength(1);
    expect(await onlyPoint()).toMatchObject({ status: 400, failure: "", retries: 0 });
  });
});

describe("never a retry after the first byte", () => {
  it("passes an in-stream overloaded_error through as a clean error event, with one upstream call", async () => {
    const response = await messages({ "x-fake-fault": "in-stream-overload=2" }, true);
    expect(response.status).toBe(200);
    const text = await readText(response);
    expect(text).toMatch(/event: error\ndata: \{"type": ?"error", ?"error": ?\{"type": ?"overloaded_error"/);
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^event: error\n/);
    expect(stack.fake.records).toHaveLength(1);
    expect(await onlyPoint()).toMatchObject({ status: 200, failure: "in_stream_overload", retries: 0 });
  });

  it("the Anthropic SDK surfaces the in-stream overload as an overloaded_error", async () => {
    const anthropic = new Anthropic({
      apiKey: CLIENT_KEY,
      baseURL: `${stack.url}/anthropic`,
      maxRetries: 2,
      defaultHeaders: { "x-fake-fault": "in-stream-overload=1" },
    });
    const stream = anthropic.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
    expect(stack.fake.records).toHaveLength(1);
  });

  it("names in-stream overloads of OpenAI and Gemini streams too", async () => {
    const calls: [string, string, Record<string, string>][] = [
      [`${stack.url}/openai/v1/chat/completions`, openAiBody(true), bearerHeaders()],
      [
        `${stack.url}/openai/v1/responses`,
        JSON.stringify({ model: "gpt-4.1-mini", input: "hi", stream: true }),
        bearerHeaders(),
      ],
      [
        `${stack.url}/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
        JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
        { "x-goog-api-key": CLIENT_KEY },
      ],
    ];
    for (const [url, body, headers] of calls) {
      const response = await post(url, body, { ...headers, "x-fake-fault": "in-stream-overload=1" });
      expect(response.status).toBe(200);
      await readText(response);
    }
    await stack.flush();
    expect(stack.metrics.points.map((p) => [p.route, p.failure])).toEqual([
      ["openai.chat", "in_stream_overload"],
      ["openai.responses", "in_stream_overload"],
      ["gemini.streamGenerateContent", "in_stream_overload"],
    ]);
    expect(stack.fake.records).toHaveLength(3);
  });

  it("ends a stream reset mid-way with a clean provider error event (Anthropic)", async () => {
    const response = await messages({ "x-fake-fault": "reset-after=2" }, true);
    expect(response.status).toBe(200);
    const text = await readText(response);
    expect(text).toContain("event: content_block_delta");
    const last = text.trimEnd().split("\n\n").at(-1)!;
    expect(last).toBe(
      `event: error\ndata: ${JSON.stringify({
        type: "error",
        error: { type: "api_error", message: "The upstream connection broke mid-stream." },
      })}`,
    );
    expect(stack.fake.records).toHaveLength(1);
    expect(await onlyPoint()).toMatchObject({ status: 200, failure: "stream_reset", retries: 0 });
  });

  it("ends reset OpenAI chat, Responses and Gemini streams with their own error events", async () => {
    const chat = await readText(
      await post(`${stack.url}/openai/v1/chat/completions`, openAiBody(true), {
        ...bearerHeaders(),
        "x-fake-fault": "reset-after=2",
      }),
    );
    const chatLast = JSON.parse(
      chat
        .trimEnd()
        .split("\n\n")
        .at(-1)!
        .replace(/^data: /, ""),
    );
    expect(chatLast).toEqual({
      error: {
        message: "The upstream connection broke mid-stream.",
        type: "server_error",
        param: null,
        code: "stream_reset",
      },
    });

    const responses = await readText(
      await post(
        `${stack.url}/openai/v1/responses`,
        JSON.stringify({ model: "gpt-4.1-mini", input: "hi", stream: true }),
        { ...bearerHeaders(), "x-fake-fault": "reset-after=2" },
      ),
    );
    const responsesLast = responses.trimEnd().split("\n\n").at(-1)!;
    expect(responsesLast).toMatch(/^event: error\ndata: /);
    expect(JSON.parse(responsesLast.split("data: ")[1]!)).toMatchObject({
      type: "error",
      code: "stream_reset",
      message: "The upstream connection broke mid-stream.",
    });

    const gemini = await readText(
      await post(
        `${stack.url}/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
        JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
        { "x-goog-api-key": CLIENT_KEY, "x-fake-fault": "reset-after=2" },
      ),
    );
    expect(gemini.endsWith("\r\n\r\n")).toBe(true);
    const geminiLast = JSON.parse(
      gemini
        .trimEnd()
        .split("\r\n\r\n")
        .at(-1)!
        .replace(/^data: /, ""),
    );
    expect(geminiLast).toEqual({
      error: { code: 503, message: "The upstream connection broke mid-stream.", status: "UNAVAILABLE" },
    });
    await stack.flush();
    expect(stack.metrics.points.map((p) => p.failure)).toEqual([
      "stream_reset",
      "stream_reset",
      "stream_reset",
    ]);
  });

  it("the OpenAI SDK surfaces a reset chat stream as an APIError with our message", async () => {
    const openai = new OpenAI({
      apiKey: CLIENT_KEY,
      baseURL: `${stack.url}/openai/v1`,
      maxRetries: 2,
      defaultHeaders: { "x-fake-fault": "reset-after=1" },
    });
    const stream = await openai.chat.completions.create({
      model: "gpt-4.1-mini",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const error = await (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toBe("The upstream connection broke mid-stream.");
    expect(stack.fake.records).toHaveLength(1);
  });

  it(`ends a stalled stream with an error event after streamIdleMs (${IDLE_MS} ms) and aborts the upstream`, async () => {
    const startedAt = Date.now();
    const response = await messages({ "x-fake-fault": "stall-after=2" }, true);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
    const endedAt = Date.now();
    expect(text).toContain("event: content_block_delta");
    const last = text.trimEnd().split("\n\n").at(-1)!;
    expect(JSON.parse(last.replace(/^event: error\ndata: /, ""))).toEqual({
      type: "error",
      error: {
        type: "timeout_error",
        message: `The upstream sent nothing for ${IDLE_MS} ms; the stream was ended.`,
      },
    });
    // A lower bound only: the idle timer cannot have fired before the request was even sent.
    expect(endedAt - startedAt).toBeGreaterThanOrEqual(IDLE_MS);
    const record = await stack.fake.waitForRecord((r) => r.endedAt !== undefined);
    expect(record.aborted).toBe(true);
    expect(await onlyPoint()).toMatchObject({ status: 200, failure: "stream_stall", retries: 0 });
  });
});

describe("client disconnects", () => {
  it("a client leaving mid-stream aborts the upstream request", async () => {
    const response = await messages({ "x-fake-fault": "drip=200", "x-fake-events": "20" }, true);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const record = await stack.fake.waitForRecord((r) => r.endedAt !== undefined);
    expect(record).toMatchObject({ aborted: true, completed: false });
    expect(await onlyPoint()).toMatchObject({ failure: "client_abort" });
  });

  it("a client leaving before the response headers aborts the upstream request", async () => {
    const control = new AbortController();
    const sent = fetch(`${stack.url}/anthropic/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...anthropicHeaders(),
        "x-fake-fault": "delay-headers=5000",
      },
      body: anthropicBody(false),
      signal: control.signal,
    }).catch((e: unknown) => e);
    // Abort once the upstream has the whole request and is holding its headers back.
    await stack.fake.waitForRecord((r) => r.bodyLength > 0);
    control.abort();
    expect(await sent).toBeInstanceOf(Error);
    const record = await stack.fake.waitForRecord((r) => r.endedAt !== undefined);
    expect(record).toMatchObject({ aborted: true, status: 0 });
    expect(stack.fake.records).toHaveLength(1);
  });
});
