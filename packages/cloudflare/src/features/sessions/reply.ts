/**
 * Reads the assistant's reply out of a response as it passes: Anthropic message events and OpenAI chat
 * chunks (streamed), or the whole JSON answer. The result is the message to store in the history.
 */
import { isObject, SseLines } from "../body.js";

export interface ReplyReader {
  push(chunk: Uint8Array): void;
  /** The assistant message, or undefined when the response held none. */
  end(): Record<string, unknown> | undefined;
}

export function replyReader(provider: string, sse: boolean): ReplyReader {
  const anthropic = provider === "anthropic";
  if (!sse) {
    const chunks: Uint8Array[] = [];
    return {
      push: (chunk) => chunks.push(chunk),
      end() {
        let value: unknown;
        try {
          value = JSON.parse(new TextDecoder().decode(concat(chunks)));
        } catch {
          return undefined;
        }
        if (!isObject(value)) return undefined;
        if (anthropic)
          return Array.isArray(value.content) ? { role: "assistant", content: value.content } : undefined;
        const choice = Array.isArray(value.choices) ? value.choices[0] : undefined;
        return isObject(choice) && isObject(choice.message) ? openAiMessage(choice.message) : undefined;
      },
    };
  }
  const state = anthropic ? new AnthropicStream() : new OpenAiStream();
  const lines = new SseLines((data) => {
    try {
      state.event(JSON.parse(data));
    } catch {
      // "[DONE]" and other non-JSON payloads.
    }
  });
  return {
    push: (chunk) => lines.push(chunk),
    end() {
      lines.end();
      return state.message();
    },
  };
}

/** Text and tool_use blocks, rebuilt from content_block_start / _delta; thinking blocks are not kept. */
class AnthropicStream {
  #blocks = new Map<number, Record<string, unknown>>();
  #json = new Map<number, string>();
  #stopped = false;

  event(value: unknown): void {
    if (!isObject(value)) return;
    const index = typeof value.index === "number" ? value.index : -1;
    if (value.type === "content_block_start" && isObject(value.content_block)) {
      const block = value.content_block;
      if (block.type === "text") this.#blocks.set(index, { type: "text", text: String(block.text ?? "") });
      if (block.type === "tool_use") {
        this.#blocks.set(index, { type: "tool_use", id: block.id, name: block.name, input: {} });
        this.#json.set(index, "");
      }
    } else if (value.type === "content_block_delta" && isObject(value.delta)) {
      const block = this.#blocks.get(index);
      if (block && value.delta.type === "text_delta") block.text = `${block.text}${value.delta.text ?? ""}`;
      if (block && value.delta.type === "input_json_delta")
        this.#json.set(index, (this.#json.get(index) ?? "") + String(value.delta.partial_json ?? ""));
    } else if (value.type === "message_stop") {
      this.#stopped = true;
    }
  }

  message(): Record<string, unknown> | undefined {
    if (!this.#stopped) return undefined;
    const content = [...this.#blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, block]) => {
        const json = this.#json.get(index);
        if (json) block.input = JSON.parse(json);
        return block;
      })
      .filter((block) => block.type !== "text" || block.text !== "");
    return content.length > 0 ? { role: "assistant", content } : undefined;
  }
}

/** `choices[0].delta.content` (and tool call fragments) until a finish_reason. */
class OpenAiStream {
  #text = "";
  #tools: { id?: string; type: "function"; function: { name: string; arguments: string } }[] = [];
  #finished = false;

  event(value: unknown): void {
    if (!isObject(value) || !Array.isArray(value.choices)) return;
    const choice = value.choices.find((c) => isObject(c) && (c.index ?? 0) === 0);
    if (!isObject(choice)) return;
    if (choice.finish_reason) this.#finished = true;
    const delta = isObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === "string") this.#text += delta.content;
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      if (!isObject(call)) continue;
      const at = typeof call.index === "number" ? call.index : this.#tools.length;
      const fn = isObject(call.function) ? call.function : {};
      const tool = this.#tools[at] ?? { type: "function", function: { name: "", arguments: "" } };
      this.#tools[at] = tool;
      if (typeof call.id === "string") tool.id = call.id;
      if (typeof fn.name === "string") tool.function.name += fn.name;
      if (typeof fn.arguments === "string") tool.function.arguments += fn.arguments;
    }
  }

  message(): Record<string, unknown> | undefined {
    if (!this.#finished) return undefined;
    return openAiMessage({
      content: this.#text,
      ...(this.#tools.length > 0 ? { tool_calls: this.#tools } : {}),
    });
  }
}

function openAiMessage(message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { role: "assistant", content: message.content ?? null };
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) out.tool_calls = message.tool_calls;
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
