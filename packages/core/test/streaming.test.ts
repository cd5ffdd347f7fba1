import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGateway } from "../src/index.js";
import { memorySecrets } from "../src/memory/index.js";
import {
  CLIENT_KEY,
  PROVIDER_SECRETS,
  type Stack,
  anthropicHeaders,
  bearerHeaders,
  capturingFetch,
  post,
  startStack,
} from "./helpers.js";

let stack: Stack;
const capture = capturingFetch();
beforeAll(async () => {
  stack = await startStack({ upstream: { fetch: capture.fetch } });
});
afterAll(() => stack.close());
beforeEach(async () => {
  // Let the previous test's background work (metrics of a cancelled stream) land before clearing.
  await stack.flush();
  stack.fake.reset();
  capture.bodies.length = 0;
  stack.metrics.points.length = 0;
});

const anthropicStream = (model = "claude-sonnet-4-6") =>
  JSON.stringify({ model, max_tokens: 64, stream: true, messages: [{ role: "user", content: "hi" }] });

async function readAll(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

describe("streaming without buffering", () => {
  it("sets SSE headers and passes the upstream's events through unchanged", async () => {
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicStream(), anthropicHeaders());
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const text = await readAll(response);
    for (const event of [
      "message_start",
      "content_block_start",
      "content_block_delta",
      "message_delta",
      "message_stop",
    ]) {
      expect(text).toContain(`event: ${event}`);
    }
  });

  it("delivers the first event while the upstream is still dripping", async () => {
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicStream(), {
      ...anthropicHeaders(),
      "x-fake-fault": "drip=300",
      "x-fake-events": "6",
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("event: message_start");
    // The upstream has 6 deltas at 300 ms apart still to send: it must not have finished yet.
    const record = stack.fake.records[0]!;
    expect(record.completed).toBe(false);
    await reader.cancel();
  });

  it("reads usage from Anthropic, OpenAI and Gemini streams without changing a byte", async () => {
    const usage = { "x-fake-usage": "input=100,output=20,cache_read=50,cache_write=10" };
    const viaSluice = await readAll(
      await post(`${stack.url}/anthropic/v1/messages`, anthropicStream(), {
        ...anthropicHeaders(),
        ...usage,
      }),
    );
    // The exact bytes the upstream sent (ids, padding and all) are the exact bytes the client got.
    expect(capture.bodies).toHaveLength(1);
    const upstreamText = await capture.bodies[0]!;
    expect(upstreamText).toContain("event: message_delta");
    expect(viaSluice).toBe(upstreamText);

    await readAll(
      await post(
        `${stack.url}/openai/v1/chat/completions`,
        JSON.stringify({
          model: "gpt-4.1-mini",
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: "hi" }],
        }),
        { ...bearerHeaders(), ...usage },
      ),
    );
    await readAll(
      await post(
        `${stack.url}/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
        JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
        { "x-goog-api-key": CLIENT_KEY, ...usage },
      ),
    );
    await stack.flush();
    const points = stack.metrics.points;
    expect(points.map((p) => p.route)).toEqual([
      "anthropic.messages",
      "openai.chat",
      "gemini.streamGenerateContent",
    ]);
    expect(points[0]).toMatchObject({
      inputTokens: 100,
      outputTokens: 20,
      cacheReadTokens: 50,
      cacheWriteTokens: 10,
      stream: true,
    });
    // OpenAI and Gemini count cached tokens inside the prompt: Sluice reports the uncached part as input.
    expect(points[1]).toMatchObject({ inputTokens: 50, outputTokens: 20, cacheReadTokens: 50, stream: true });
    expect(points[2]).toMatchObject({
      inputTokens: 50,
      outputTokens: 20,
      cacheReadTokens: 50,
      stream: true,
      model: "gemini-2.5-flash",
    });
    for (const point of points) expect(point.ttfbMs).toBeGreaterThanOrEqual(0);
  });

  it("reads usage from non-streamed JSON", async () => {
    const response = await post(
      `${stack.url}/anthropic/v1/messages`,
      JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
      { ...anthropicHeaders(), "x-fake-usage": "input=1000,output=200,cache_read=3000,cache_write=400" },
    );
    expect(response.headers.get("content-type")).toMatch(/json/);
    await response.json();
    await stack.flush();
    const [point] = stack.metrics.points;
    expect(point).toMatchObject({
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadTokens: 3000,
      cacheWriteTokens: 400,
      stream: false,
    });
    // claude-haiku-4-5: $1 in, $5 out, $0.10 cache read, $1.25 cache write per million tokens.
    expect(point!.costUsd).toBeCloseTo((1000 * 1 + 200 * 5 + 3000 * 0.1 + 400 * 1.25) / 1e6, 12);
  });

  it("keeps memory flat: the gateway reads from the upstream only as fast as the client reads", async () => {
    const size = 64 * 1024 * 1024;
    // In process, with the upstream body counted as the gateway pulls it: no socket buffers in the measure.
    let pulled = 0;
    const gateway = createGateway({
      secrets: memorySecrets({ ...PROVIDER_SECRETS, SLUICE_KEYS: CLIENT_KEY }),
      providers: { anthropic: { baseUrl: stack.fake.baseUrls.anthropic } },
      upstream: {
        // The "pump" project (vitest.config.ts) checks the same flat memory on the pass-through path.
        ...(process.env.SLUICE_TEST_PASS_THROUGH ? { passThrough: () => new TransformStream() } : {}),
        fetch: async (url, init) => {
          const upstream = await fetch(url, init);
          const reader = upstream.body!.getReader();
          const counted = new ReadableStream<Uint8Array>(
            {
              async pull(controller) {
                const { done, value } = await reader.read();
                if (done) return controller.close();
                pulled += value.byteLength;
                controller.enqueue(value);
              },
              cancel: (reason) => reader.cancel(reason),
            },
            { highWaterMark: 0 },
          );
          return new Response(counted, upstream);
        },
      },
    });
    const response = await gateway.fetch(
      new Request("http://sluice.test/anthropic/v1/messages", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...anthropicHeaders(),
          "x-fake-fault": `huge=${size}`,
        },
        body: anthropicStream(),
      }),
    );
    const reader = response.body!.getReader();
    let received = (await reader.read()).value!.byteLength;
    // The client now stops reading. Give a buffering gateway every chance to draw more.
    let last = -1;
    while (pulled !== last) {
      last = pulled;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // What the gateway took from the upstream is what the client took (a chunk or two), not the stream.
    expect(pulled).toBeLessThan(1024 * 1024);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
    expect(received).toBeGreaterThanOrEqual(size);
    expect(pulled).toBe(received);
  });
});
