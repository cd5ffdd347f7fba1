/**
 * The native stream path (`nativeStreams`), driven here with a web-standard TransformStream as the
 * pass-through (workerd's IdentityTransformStream is exercised in packages/cloudflare/test/native-streams).
 * What must hold on it as on the JavaScript path: the same bytes, usage read exactly, the first event before
 * the upstream finishes, and one ending per call (error event on a reset or stall, the upstream aborted when
 * the client leaves).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Stack,
  anthropicHeaders,
  bearerHeaders,
  capturingFetch,
  post,
  readText,
  startStack,
} from "./helpers.js";

const IDLE_MS = 300;
let stack: Stack;
let passThroughs = 0;
const capture = capturingFetch();
beforeAll(async () => {
  stack = await startStack({
    upstream: {
      fetch: capture.fetch,
      timeouts: { streamIdleMs: IDLE_MS },
      nativeStreams: {
        passThrough: () => {
          passThroughs++;
          return new TransformStream<Uint8Array, Uint8Array>();
        },
      },
    },
  });
});
afterAll(() => stack.close());
beforeEach(async () => {
  await stack.flush();
  stack.fake.reset();
  capture.bodies.length = 0;
  stack.metrics.points.length = 0;
  passThroughs = 0;
});

const anthropic = JSON.stringify({
  model: "claude-sonnet-4-6",
  max_tokens: 64,
  stream: true,
  messages: [{ role: "user", content: "hi" }],
});
const chat = JSON.stringify({
  model: "gpt-4o-mini",
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "hi" }],
});

describe("native stream path", () => {
  it("passes the upstream's bytes unchanged (preamble held first) and reads usage exactly", async () => {
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropic, {
      ...anthropicHeaders(),
      "x-fake-usage": "input=100,output=20,cache_read=50,cache_write=10",
    });
    const text = await readText(response);
    expect(text).toBe(await capture.bodies[0]!);
    await stack.flush();
    expect(passThroughs).toBe(1);
    expect(stack.metrics.points).toHaveLength(1);
    expect(stack.metrics.points[0]).toMatchObject({
      failure: "",
      inputTokens: 100,
      outputTokens: 20,
      cacheReadTokens: 50,
      cacheWriteTokens: 10,
    });
  });

  it("reads OpenAI usage from the stream's last chunk", async () => {
    const response = await post(`${stack.url}/openai/v1/chat/completions`, chat, {
      ...bearerHeaders(),
      "x-fake-usage": "input=30,output=7",
    });
    expect(await readText(response)).toBe(await capture.bodies[0]!);
    await stack.flush();
    expect(passThroughs).toBe(1);
    expect(stack.metrics.points[0]).toMatchObject({ failure: "", inputTokens: 30, outputTokens: 7 });
  });

  it("delivers the first event while the upstream is still dripping", async () => {
    const response = await post(`${stack.url}/openai/v1/chat/completions`, chat, {
      ...bearerHeaders(),
      "x-fake-fault": "drip=200",
      "x-fake-events": "6",
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("data: ");
    expect(stack.fake.records[0]!.completed).toBe(false);
    await reader.cancel();
  });

  it("ends a reset stream with the provider's error event, once", async () => {
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropic, {
      ...anthropicHeaders(),
      "x-fake-fault": "reset-after=2",
      "x-fake-usage": "input=25,output=9",
    });
    const text = await readText(response);
    expect(text).toContain("content_block_delta");
    expect(text.trimEnd().endsWith("}")).toBe(true);
    expect(text).toContain("event: error");
    await stack.flush();
    expect(stack.metrics.points).toHaveLength(1);
    expect(stack.metrics.points[0]).toMatchObject({ failure: "stream_reset", inputTokens: 25 });
  });

  it(`ends a stalled stream after streamIdleMs (${IDLE_MS} ms) and aborts the upstream`, async () => {
    const response = await post(`${stack.url}/openai/v1/chat/completions`, chat, {
      ...bearerHeaders(),
      "x-fake-fault": "stall-after=2",
    });
    const text = await readText(response);
    expect(text).toContain("stream_stall");
    await stack.flush();
    expect(stack.metrics.points).toHaveLength(1);
    expect(stack.metrics.points[0]!.failure).toBe("stream_stall");
    await stack.fake.waitForRecord((r) => r.aborted);
  });

  it("aborts the upstream when the client leaves, and records one client_abort", async () => {
    const response = await post(`${stack.url}/openai/v1/chat/completions`, chat, {
      ...bearerHeaders(),
      "x-fake-fault": "drip=100",
      "x-fake-events": "50",
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await stack.fake.waitForRecord((r) => r.aborted);
    await stack.flush();
    expect(stack.metrics.points).toHaveLength(1);
    expect(stack.metrics.points[0]!.failure).toBe("client_abort");
  });

  it("keeps the JavaScript path for resumable streams (not in this stack) and JSON answers", async () => {
    const response = await post(
      `${stack.url}/anthropic/v1/messages`,
      JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
      anthropicHeaders(),
    );
    expect(response.status).toBe(200);
    await response.text();
    expect(passThroughs).toBe(0);
  });
});
