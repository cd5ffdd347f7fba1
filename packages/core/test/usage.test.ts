/** Usage readers against each provider's documented response and stream-event shapes. */
import { describe, expect, it } from "vitest";
import { readAnthropicUsage } from "../src/providers/builtin/anthropic.js";
import { readGeminiUsage } from "../src/providers/builtin/gemini.js";
import { readOpenAiUsage } from "../src/providers/openai-compatible.js";
import { emptyUsage, USAGE_READERS, type Usage, type UsageReader } from "../src/stream/usage.js";

/** Runs `reader` over the values in order, as the tap does for a stream, and returns usage + last failure. */
function read(reader: UsageReader, ...values: unknown[]) {
  const usage = emptyUsage();
  let failure: string | undefined;
  for (const value of values) failure = reader(value, usage) ?? failure;
  const { complete: _, ...counts } = usage;
  return { usage: counts, failure };
}

/** Whether the reader saw the provider's final count after these values. */
function complete(reader: UsageReader, ...values: unknown[]): boolean {
  const usage = emptyUsage();
  for (const value of values) reader(value, usage);
  return usage.complete === true;
}

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: cacheRead,
  cacheWriteTokens: cacheWrite,
});

describe("Anthropic usage", () => {
  // https://docs.claude.com/en/docs/build-with-claude/streaming#event-types
  const messageStart = {
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      content: [],
      model: "claude-sonnet-4-6",
      stop_reason: null,
      usage: {
        input_tokens: 25,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 200,
        output_tokens: 1,
      },
    },
  };

  it("reads message_start, then the cumulative message_delta", () => {
    const delta = {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 15 },
    };
    expect(
      read(
        readAnthropicUsage,
        messageStart,
        { type: "ping" },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "usage" } },
        delta,
        { type: "message_stop" },
      ),
    ).toEqual({ usage: usage(25, 15, 200, 100), failure: undefined });
  });

  it("takes the later totals when message_delta repeats every count", () => {
    const delta = {
      type: "message_delta",
      delta: { stop_reason: "tool_use" },
      usage: {
        input_tokens: 30,
        cache_creation_input_tokens: 110,
        cache_read_input_tokens: 210,
        output_tokens: 40,
      },
    };
    expect(read(readAnthropicUsage, messageStart, delta).usage).toEqual(usage(30, 40, 210, 110));
  });

  it("reads a whole non-streamed message", () => {
    const message = {
      id: "msg_2",
      type: "message",
      content: [{ type: "text", text: "hi" }],
      usage: {
        input_tokens: 12,
        output_tokens: 6,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 3,
      },
    };
    expect(read(readAnthropicUsage, message)).toEqual({ usage: usage(12, 6, 3, 0), failure: undefined });
  });

  it("names an in-stream overloaded_error and other error events", () => {
    const overloaded = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    const other = { type: "error", error: { type: "api_error", message: "Internal server error" } };
    expect(read(readAnthropicUsage, messageStart, overloaded)).toMatchObject({
      failure: "in_stream_overload",
    });
    expect(read(readAnthropicUsage, messageStart, other)).toMatchObject({ failure: "in_stream_error" });
  });

  it("ignores values without usage", () => {
    expect(read(readAnthropicUsage, null, "x", 3, [], { input_tokens: 9 }, { usage: null })).toEqual({
      usage: emptyUsage(),
      failure: undefined,
    });
  });
});

describe("OpenAI-compatible usage", () => {
  it("reads Chat Completions usage, reporting cached prompt tokens apart from the uncached input", () => {
    // https://platform.openai.com/docs/api-reference/chat/object
    const completion = {
      id: "chatcmpl-1",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    };
    expect(read(readOpenAiUsage, completion)).toEqual({ usage: usage(86, 300, 1920), failure: undefined });
  });

  it("reads the usage chunk of a stream with include_usage (earlier chunks carry usage: null)", () => {
    const chunk = (content: string) => ({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: { content } }],
      usage: null,
    });
    const last = {
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
    };
    expect(read(readOpenAiUsage, chunk("a"), chunk("b"), last)).toEqual({
      usage: usage(10, 4),
      failure: undefined,
    });
  });

  it("reads Groq's x_groq.usage", () => {
    const last = {
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      x_groq: {
        id: "req_1",
        usage: { queue_time: 0.01, prompt_tokens: 33, completion_tokens: 7, total_tokens: 40 },
      },
    };
    expect(read(USAGE_READERS.groq, last).usage).toEqual(usage(33, 7));
  });

  it("reads Responses usage from response.completed and from a whole response", () => {
    // https://platform.openai.com/docs/api-reference/responses-streaming
    const created = {
      type: "response.created",
      response: { id: "resp_1", status: "in_progress", usage: null },
    };
    const completed = {
      type: "response.completed",
      sequence_number: 9,
      response: {
        id: "resp_1",
        status: "completed",
        usage: {
          input_tokens: 328,
          input_tokens_details: { cached_tokens: 128 },
          output_tokens: 52,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 380,
        },
      },
    };
    expect(read(readOpenAiUsage, created, completed)).toEqual({
      usage: usage(200, 52, 128),
      failure: undefined,
    });
    expect(read(readOpenAiUsage, completed.response).usage).toEqual(usage(200, 52, 128));
  });

  it("reads embeddings usage (input only)", () => {
    const embeddings = {
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: [0.1] }],
      usage: { prompt_tokens: 8, total_tokens: 8 },
    };
    expect(read(readOpenAiUsage, embeddings).usage).toEqual(usage(8, 0));
  });

  it("names in-stream errors of both APIs", () => {
    expect(read(readOpenAiUsage, { error: { message: "boom", type: "server_error" } }).failure).toBe(
      "in_stream_error",
    );
    expect(read(readOpenAiUsage, { type: "error", code: "server_error", message: "boom" }).failure).toBe(
      "in_stream_error",
    );
    expect(read(readOpenAiUsage, { type: "response.failed", response: { status: "failed" } }).failure).toBe(
      "in_stream_error",
    );
  });

  it("names an overload reported in the error's code or message as an in-stream overload", () => {
    const chat = { error: { message: "The server is overloaded or not ready yet.", type: "server_error" } };
    const responses = {
      type: "error",
      code: "server_is_overloaded",
      message: "Try again later.",
      param: null,
    };
    expect(read(readOpenAiUsage, chat).failure).toBe("in_stream_overload");
    expect(read(readOpenAiUsage, responses).failure).toBe("in_stream_overload");
  });

  it("uses OpenAI's reader for OpenAI and Cerebras; Groq's adds x_groq.usage and reads the rest alike", () => {
    expect(USAGE_READERS.cerebras).toBe(readOpenAiUsage);
    expect(USAGE_READERS.openai).toBe(readOpenAiUsage);
    const plain = { choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } };
    expect(read(USAGE_READERS.groq, plain)).toEqual(read(readOpenAiUsage, plain));
    const both = { ...plain, x_groq: { usage: { prompt_tokens: 9, completion_tokens: 9 } } };
    expect(read(USAGE_READERS.groq, both).usage).toEqual(usage(5, 2));
    const failed = { error: { message: "overloaded" } };
    expect(read(USAGE_READERS.groq, failed)).toEqual(read(readOpenAiUsage, failed));
  });
});

describe("Gemini usage", () => {
  // https://ai.google.dev/api/generate-content#UsageMetadata
  const chunk = (meta: Record<string, number>, text = "x") => ({
    candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0 }],
    usageMetadata: meta,
    modelVersion: "gemini-2.5-flash",
  });

  it("reads usageMetadata, with thoughts counted as output and cached tokens apart from input", () => {
    const response = chunk({
      promptTokenCount: 40,
      cachedContentTokenCount: 30,
      candidatesTokenCount: 10,
      thoughtsTokenCount: 5,
      totalTokenCount: 55,
    });
    expect(read(readGeminiUsage, response)).toEqual({ usage: usage(10, 15, 30), failure: undefined });
  });

  it("keeps the last chunk's totals over a stream whose early chunks have no candidates count", () => {
    const first = chunk({ promptTokenCount: 4, totalTokenCount: 4 });
    const last = chunk({ promptTokenCount: 4, candidatesTokenCount: 12, totalTokenCount: 16 });
    expect(read(readGeminiUsage, first, last).usage).toEqual(usage(4, 12));
  });

  it("reads the JSON array a stream without ?alt=sse returns", () => {
    const array = [
      chunk({ promptTokenCount: 4, candidatesTokenCount: 1 }),
      chunk({ promptTokenCount: 4, candidatesTokenCount: 9 }),
    ];
    expect(read(readGeminiUsage, array).usage).toEqual(usage(4, 9));
  });

  it("names an UNAVAILABLE error as an in-stream overload, others as in-stream errors", () => {
    const overloaded = { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } };
    const internal = { error: { code: 500, message: "Internal error.", status: "INTERNAL" } };
    expect(read(readGeminiUsage, chunk({ promptTokenCount: 1 }), overloaded).failure).toBe(
      "in_stream_overload",
    );
    expect(read(readGeminiUsage, [chunk({ promptTokenCount: 1 }), internal]).failure).toBe("in_stream_error");
  });
});

describe("final counts", () => {
  // A budget charges partial usage at no less than its reservation, so "final" must mean final.
  const start = { type: "message_start", message: { usage: { input_tokens: 5, output_tokens: 1 } } };
  const delta = { type: "message_delta", usage: { output_tokens: 9 } };
  const gemini = (finishReason?: string) => ({
    candidates: [{ content: { parts: [{ text: "x" }] }, ...(finishReason ? { finishReason } : {}) }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2 },
  });

  it("is final only after the event that carries the last count", () => {
    expect(complete(readAnthropicUsage, start)).toBe(false);
    expect(complete(readAnthropicUsage, start, delta)).toBe(true);
    expect(
      complete(readAnthropicUsage, { type: "message", usage: { input_tokens: 1, output_tokens: 1 } }),
    ).toBe(true);
    expect(complete(readOpenAiUsage, { choices: [{ delta: { content: "a" } }], usage: null })).toBe(false);
    expect(
      complete(readOpenAiUsage, { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }),
    ).toBe(true);
    expect(complete(readOpenAiUsage, { type: "response.created", response: { usage: null } })).toBe(false);
    expect(complete(readGeminiUsage, gemini())).toBe(false);
    expect(complete(readGeminiUsage, gemini(), gemini("STOP"))).toBe(true);
  });
});
