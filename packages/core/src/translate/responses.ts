/**
 * Response translation for cross-provider fallbacks: a whole JSON answer or an SSE stream from one
 * provider's shape into the client's, with usage carried over so metrics and budgets stay right.
 */
import { jsonEventReader } from "../stream/sse-reader.js";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === "number" ? v : 0);

const STOP_TO_ANTHROPIC: Record<string, string> = {
  stop: "end_turn",
  length: "max_tokens",
  content_filter: "refusal",
};
const STOP_TO_OPENAI: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  refusal: "content_filter",
};

function openAiUsage(usage: unknown) {
  const u = isObject(usage) ? usage : {};
  const cached = isObject(u.prompt_tokens_details) ? num(u.prompt_tokens_details.cached_tokens) : 0;
  return {
    input_tokens: num(u.prompt_tokens) - cached,
    output_tokens: num(u.completion_tokens),
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

function anthropicUsage(usage: unknown) {
  const u = isObject(usage) ? usage : {};
  const cacheRead = num(u.cache_read_input_tokens);
  const prompt = num(u.input_tokens) + cacheRead + num(u.cache_creation_input_tokens);
  const completion = num(u.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

export function openAiToAnthropicJson(body: Json, model: string): Json {
  const choice = Array.isArray(body.choices) && isObject(body.choices[0]) ? body.choices[0] : {};
  const message = isObject(choice.message) ? choice.message : {};
  return {
    id: `msg_${String(body.id ?? "translated")}`,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: typeof message.content === "string" ? message.content : "" }],
    stop_reason: STOP_TO_ANTHROPIC[String(choice.finish_reason)] ?? "end_turn",
    stop_sequence: null,
    usage: openAiUsage(body.usage),
  };
}

export function anthropicToOpenAiJson(body: Json, model: string): Json {
  const text = (Array.isArray(body.content) ? body.content : [])
    .map((b) => (isObject(b) && b.type === "text" && typeof b.text === "string" ? b.text : ""))
    .join("");
  return {
    id: `chatcmpl-${String(body.id ?? "translated")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text, refusal: null },
        finish_reason: STOP_TO_OPENAI[String(body.stop_reason)] ?? "stop",
      },
    ],
    usage: anthropicUsage(body.usage),
  };
}

const encoder = new TextEncoder();
const sse = (event: string | undefined, data: unknown) =>
  encoder.encode(
    `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`,
  );

/** OpenAI chat.completion.chunk events in, Anthropic Messages stream events out. */
export function openAiToAnthropicStream(model: string): TransformStream<Uint8Array, Uint8Array> {
  let started = false;
  let finished = false;
  let stopReason = "end_turn";
  let usage = openAiUsage(undefined);
  let out!: TransformStreamDefaultController<Uint8Array>;
  const start = (id: string) => {
    started = true;
    const message = {
      id: `msg_${id}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    };
    out.enqueue(sse("message_start", { type: "message_start", message }));
    out.enqueue(
      sse("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      }),
    );
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    if (!started) start("translated");
    out.enqueue(sse("content_block_stop", { type: "content_block_stop", index: 0 }));
    out.enqueue(
      sse("message_delta", {
        type: "message_delta",
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage,
      }),
    );
    out.enqueue(sse("message_stop", { type: "message_stop" }));
  };
  const reader = jsonEventReader(
    (chunk) => {
      if (isObject(chunk.error)) {
        finished = true;
        const message = String(chunk.error.message ?? "Upstream error");
        out.enqueue(sse("error", { type: "error", error: { type: "api_error", message } }));
        return;
      }
      if (!started) start(String(chunk.id ?? "translated"));
      if (chunk.usage) usage = openAiUsage(chunk.usage);
      const choice =
        Array.isArray(chunk.choices) && isObject(chunk.choices[0]) ? chunk.choices[0] : undefined;
      const delta = choice && isObject(choice.delta) ? choice.delta : undefined;
      if (delta && typeof delta.content === "string" && delta.content) {
        out.enqueue(
          sse("content_block_delta", {
            type: "content_block_delta",
            index: 0,
            delta: { type: "text_delta", text: delta.content },
          }),
        );
      }
      if (choice?.finish_reason) stopReason = STOP_TO_ANTHROPIC[String(choice.finish_reason)] ?? "end_turn";
    },
    (text) => {
      if (text === "[DONE]") finish();
    },
  );
  return new TransformStream({
    start(controller) {
      out = controller;
    },
    transform(chunk) {
      reader.push(chunk);
    },
    flush() {
      reader.end();
      finish();
    },
  });
}

/** Anthropic Messages stream events in, OpenAI chat.completion.chunk events out (plus a usage chunk). */
export function anthropicToOpenAiStream(
  model: string,
  includeUsage: boolean,
): TransformStream<Uint8Array, Uint8Array> {
  let id = "chatcmpl-translated";
  let usage: Json = {};
  let done = false;
  const created = Math.floor(Date.now() / 1000);
  let out!: TransformStreamDefaultController<Uint8Array>;
  const chunk = (delta: Json, finishReason: string | null) =>
    sse(undefined, {
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
  const end = () => {
    if (done) return;
    done = true;
    if (includeUsage)
      out.enqueue(
        sse(undefined, {
          id,
          object: "chat.completion.chunk",
          created,
          model,
          choices: [],
          usage: anthropicUsage(usage),
        }),
      );
    out.enqueue(sse(undefined, "[DONE]"));
  };
  const reader = jsonEventReader((event) => {
    switch (event.type) {
      case "message_start": {
        const message = isObject(event.message) ? event.message : {};
        id = `chatcmpl-${String(message.id ?? "translated")}`;
        usage = { ...(isObject(message.usage) ? message.usage : {}) };
        out.enqueue(chunk({ role: "assistant", content: "" }, null));
        break;
      }
      case "content_block_delta": {
        const delta = isObject(event.delta) ? event.delta : {};
        if (delta.type === "text_delta" && typeof delta.text === "string")
          out.enqueue(chunk({ content: delta.text }, null));
        break;
      }
      case "message_delta": {
        const delta = isObject(event.delta) ? event.delta : {};
        if (isObject(event.usage)) usage = { ...usage, ...event.usage };
        out.enqueue(chunk({}, STOP_TO_OPENAI[String(delta.stop_reason)] ?? "stop"));
        break;
      }
      case "message_stop":
        end();
        break;
      case "error": {
        done = true;
        const error = isObject(event.error) ? event.error : {};
        out.enqueue(
          sse(undefined, {
            error: {
              message: String(error.message ?? "Upstream error"),
              type: "server_error",
              param: null,
              code: String(error.type ?? "api_error"),
            },
          }),
        );
        break;
      }
    }
  });
  return new TransformStream({
    start(controller) {
      out = controller;
    },
    transform(bytes) {
      reader.push(bytes);
    },
    flush() {
      reader.end();
      end();
    },
  });
}
