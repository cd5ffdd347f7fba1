import { describe, expect, it } from "vitest";
import { Untranslatable, translation } from "../src/translate/index.js";

const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

async function pipe(stream: TransformStream<Uint8Array, Uint8Array>, input: string): Promise<string> {
  const bytes = new TextEncoder().encode(input);
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      // Split awkwardly, as a network would.
      for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
      c.close();
    },
  });
  return new Response(source.pipeThrough(stream)).text();
}

const events = (text: string) =>
  text
    .split("\n\n")
    .filter(Boolean)
    .map((e) =>
      e
        .split("\n")
        .find((l) => l.startsWith("data: "))!
        .slice(6),
    );

describe("Anthropic → OpenAI fallback", () => {
  const request = {
    model: "claude-sonnet-4-6",
    max_tokens: 100,
    system: [{ type: "text", text: "Be brief." }],
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    stop_sequences: ["END"],
    stream: true,
  };

  it("translates the request", () => {
    const t = translation("anthropic", "openai", request, "gpt-4.1-mini", "claude-sonnet-4-6");
    expect(decode(t.body)).toEqual({
      model: "gpt-4.1-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      max_completion_tokens: 100,
      stop: ["END"],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("turns an OpenAI stream into Anthropic events with usage", async () => {
    const t = translation("anthropic", "openai", request, "gpt-4.1-mini", "claude-sonnet-4-6");
    const chunk = (delta: object, finish: string | null) =>
      `data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":${JSON.stringify(finish)}}]}\n\n`;
    const input =
      chunk({ role: "assistant", content: "" }, null) +
      chunk({ content: "Hel" }, null) +
      chunk({ content: "lo" }, null) +
      chunk({}, "stop") +
      `data: {"id":"c1","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":10}}}\n\n` +
      "data: [DONE]\n\n";
    const out = events(await pipe(t.stream(), input)).map((d) => JSON.parse(d));
    expect(out.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(
      out
        .filter((e) => e.type === "content_block_delta")
        .map((e) => e.delta.text)
        .join(""),
    ).toBe("Hello");
    expect(out[5]).toMatchObject({
      delta: { stop_reason: "end_turn" },
      usage: { input_tokens: 20, output_tokens: 2, cache_read_input_tokens: 10 },
    });
    expect(out[0].message.model).toBe("claude-sonnet-4-6");
  });

  it("refuses what it cannot carry over (tools, images)", () => {
    expect(() => translation("anthropic", "openai", { ...request, tools: [] }, "gpt-4.1-mini", "x")).toThrow(
      Untranslatable,
    );
    const image = { role: "user", content: [{ type: "image", source: {} }] };
    expect(() =>
      translation("anthropic", "openai", { ...request, messages: [image] }, "gpt-4.1-mini", "x"),
    ).toThrow(Untranslatable);
  });
});

describe("OpenAI → Anthropic fallback", () => {
  const request = {
    model: "gpt-4.1",
    messages: [
      { role: "developer", content: "Be brief." },
      { role: "user", content: "Hi" },
    ],
    max_tokens: 50,
    stream: true,
    stream_options: { include_usage: true },
  };

  it("translates the request", () => {
    const t = translation("openai", "anthropic", request, "claude-haiku-4-5", "gpt-4.1");
    expect(decode(t.body)).toEqual({
      model: "claude-haiku-4-5",
      max_tokens: 50,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
  });

  it("turns an Anthropic stream into OpenAI chunks, a usage chunk and [DONE]", async () => {
    const t = translation("openai", "anthropic", request, "claude-haiku-4-5", "gpt-4.1");
    const input = [
      `event: message_start\ndata: {"type":"message_start","message":{"id":"m1","usage":{"input_tokens":12,"cache_read_input_tokens":8,"output_tokens":1}}}`,
      `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hey"}}`,
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":4}}`,
      `event: message_stop\ndata: {"type":"message_stop"}`,
    ].join("\n\n");
    const out = events(await pipe(t.stream(), `${input}\n\n`));
    expect(out.at(-1)).toBe("[DONE]");
    const chunks = out.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks[1].choices[0].delta.content).toBe("Hey");
    expect(chunks[2].choices[0].finish_reason).toBe("length");
    expect(chunks[3].usage).toEqual({
      prompt_tokens: 20,
      completion_tokens: 4,
      total_tokens: 24,
      prompt_tokens_details: { cached_tokens: 8 },
    });
    expect(chunks.every((c) => c.model === "gpt-4.1")).toBe(true);
  });

  it("translates a whole answer", () => {
    const t = translation(
      "openai",
      "anthropic",
      { ...request, stream: false },
      "claude-haiku-4-5",
      "gpt-4.1",
    );
    const answer = t.json({
      id: "m1",
      content: [{ type: "text", text: "Hi" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 3, output_tokens: 1 },
    });
    expect(answer).toMatchObject({
      object: "chat.completion",
      model: "gpt-4.1",
      choices: [{ message: { content: "Hi" }, finish_reason: "stop" }],
    });
  });
});
