/**
 * The budget path's small parts, on adversarial input: the include_usage splice (every other byte kept), the
 * usage-chunk filter under any chunking, the charge rule, hidden-input detection and the gate's self-heal.
 */
import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "../src/memory/index.js";
import { enterGate } from "../src/spend/gate.js";
import { hidesInput } from "../src/spend/hidden-input.js";
import { askForUsage, hideUsageChunk } from "../src/spend/include-usage.js";
import { chargeFor } from "../src/spend/settle.js";
import { emptyUsage } from "../src/stream/usage.js";
import { setTopLevelValue } from "../src/util/json-splice.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe("setTopLevelValue", () => {
  it("appends a missing field before the closing brace, keeping every other byte", () => {
    const source = `{ "model":"m",\n "messages":[{"role":"user","content":"}"}] }\n`;
    expect(setTopLevelValue(source, "stream_options", `{"include_usage":true}`)).toBe(
      `{ "model":"m",\n "messages":[{"role":"user","content":"}"}],"stream_options":{"include_usage":true} }\n`,
    );
    expect(setTopLevelValue("{ }", "a", "1")).toBe(`{"a":1 }`);
  });

  it("replaces an existing value in place, not a nested one of the same name", () => {
    const source = `{"x":{"stream_options":1},"stream_options":{"include_usage":false},"y":2}`;
    expect(setTopLevelValue(source, "stream_options", `{"include_usage":true}`)).toBe(
      `{"x":{"stream_options":1},"stream_options":{"include_usage":true},"y":2}`,
    );
  });
});

describe("askForUsage", () => {
  const body = (json: object) => encoder.encode(JSON.stringify(json));

  it("asks only for streamed OpenAI-compatible chat calls that did not ask, merging the client's options", () => {
    const plain = { model: "m", stream: true, messages: [] };
    expect(askForUsage("openai.chat", false, plain, body(plain))).toBeUndefined();
    expect(askForUsage("openai.responses", true, plain, body(plain))).toBeUndefined();
    expect(askForUsage("anthropic.messages", true, plain, body(plain))).toBeUndefined();
    const asked = { ...plain, stream_options: { include_usage: true } };
    expect(askForUsage("groq.chat", true, asked, body(asked))).toBeUndefined();
    const other = { ...plain, stream_options: { include_obfuscation: false } };
    const merged = askForUsage("cerebras.chat", true, other, body(other))!;
    expect(decoder.decode(merged.body)).toBe(
      JSON.stringify({ ...plain, stream_options: { include_obfuscation: false, include_usage: true } }),
    );
    expect(merged.json.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
  });
});

describe("hideUsageChunk", () => {
  const events = [
    `data: {"choices":[{"delta":{"content":"a"}}],"usage":null}\n\n`,
    `data: {"choices":[{"delta":{}, "finish_reason":"stop"}],"usage":null}\r\n\r\n`,
    `data: {"id":"x","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n`,
    "data: [DONE]\n\n",
  ];
  const source = events.join("");
  const expected = events[0]! + events[1]! + events[3]!;

  async function through(chunks: Uint8Array[]): Promise<string> {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    }).pipeThrough(hideUsageChunk());
    return new Response(stream).text();
  }

  it("drops only the usage-only chunk, byte for byte otherwise, however the stream is cut", async () => {
    const bytes = encoder.encode(`${source}`);
    expect(await through([bytes])).toBe(expected);
    // Every split point, one byte at a time, and empty chunks in between.
    expect(await through([...bytes].map((b) => Uint8Array.of(b)))).toBe(expected);
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      expect(await through([bytes.subarray(0, cut), new Uint8Array(0), bytes.subarray(cut)])).toBe(expected);
    }
  });

  it("passes a stream whose last event has no blank line, and a multi-byte character split across chunks", async () => {
    const text = `data: {"choices":[{"delta":{"content":"ü€"}}]}\n\ndata: [DONE]`;
    const bytes = encoder.encode(text);
    const split = bytes.indexOf(0xe2) + 1; // inside "€"
    expect(await through([bytes.subarray(0, split), bytes.subarray(split)])).toBe(text);
  });
});

describe("chargeFor", () => {
  const reserved = { tokens: 150, output: 100 };
  const done = (bytes: number, usage = emptyUsage()) => ({ usage, ttfbMs: 1, bytes });

  it("refunds only when nothing reached the client or the answer was an error", () => {
    expect(chargeFor(done(0), 200, reserved)).toBe(0);
    expect(chargeFor(done(200), 400, reserved)).toBe(0);
  });

  it("charges the final count when it was read, even below the reservation", () => {
    const usage = { ...emptyUsage(), inputTokens: 30, outputTokens: 5, complete: true };
    expect(chargeFor(done(500, usage), 200, reserved)).toBe(35);
  });

  it("charges no less than the reservation, input corrected to the provider's, without a final count", () => {
    expect(chargeFor(done(500), 200, reserved)).toBe(150);
    // Anthropic's message_start said 400 input tokens: the call may cost up to 400 + the 100 cap.
    const started = { ...emptyUsage(), inputTokens: 400, outputTokens: 1 };
    expect(chargeFor(done(500, started), 200, reserved)).toBe(500);
  });
});

describe("hidesInput", () => {
  it("finds references and media that understate their tokens, at any depth", () => {
    const text = { messages: [{ role: "user", content: [{ type: "text", text: "image_url file_id" }] }] };
    expect(hidesInput(text)).toBe(false);
    for (const hidden of [
      { messages: [{ content: [{ type: "image", source: { type: "url", url: "https://x" } }] }] },
      { messages: [{ content: [{ type: "document", source: { type: "file", file_id: "f" } }] }] },
      { messages: [{ content: [{ type: "image_url", image_url: { url: "https://x" } }] }] },
      { input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] },
      { input: "hi", previous_response_id: "resp_1" },
      { contents: [{ parts: [{ fileData: { fileUri: "gs://x" } }] }] },
      { contents: [{ parts: [{ text: "hi" }] }], cachedContent: "cachedContents/abc" },
    ]) {
      expect(hidesInput(hidden), JSON.stringify(hidden)).toBe(true);
    }
  });
});

describe("the single-flight gate", () => {
  it("admits one call per key at a time, and reopens by itself when a release is lost", async () => {
    let now = 1_000_000;
    const store = memoryRateLimitStore(() => now);
    const options = { waitMs: 0, healSeconds: 600 };
    const release = await enterGate(store, "k1", options);
    await expect(enterGate(store, "k1", options)).rejects.toMatchObject({ failure: "rate_limited" });
    const other = await enterGate(store, "k2", options); // another key is not held up
    await other();
    await release();
    await release(); // a second release gives nothing extra
    const again = await enterGate(store, "k1", options);
    await expect(enterGate(store, "k1", options)).rejects.toMatchObject({ status: 429 });
    void again; // lost: never released
    now += 599_000;
    await expect(enterGate(store, "k1", options)).rejects.toMatchObject({ status: 429 });
    now += 1_000;
    await (await enterGate(store, "k1", options))();
  });
});
