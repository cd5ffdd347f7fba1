/**
 * Stream resumption (opt-in, Anthropic Messages): when a stream breaks after content reached the client,
 * re-issue the request with the text sent so far as an assistant prefill and splice the continuation into
 * the same client stream (its message_start and the reopened block's start dropped, block indices kept
 * consistent). Text blocks only: a stream with a thinking or tool_use block is not resumed, and neither is
 * one the model cannot prefill. The continuation's request is re-serialized, so it misses the prompt cache
 * for the part after the last breakpoint; trailing whitespace of the prefill is trimmed, as the API asks.
 * The text so far is held for the prefill, so a stream longer than any model's answer (`maxPrefillChars`)
 * stops being resumable and lets it go: memory stays bounded whatever the upstream sends.
 */
import { jsonEventReader } from "../stream/sse-reader.js";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export interface StreamResumer {
  /** Sees every chunk that reached the client. */
  observe(chunk: Uint8Array): void;
  /** After a break: the continuation to splice in, or undefined to end with an error event. */
  continueAfterBreak(): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Output tokens the interrupted part is estimated to have cost (the API never reported them). */
  estimatedLostOutputTokens(): number;
}

/** 4 Mi characters: well above the longest answer a model writes (128k tokens is ~0.5 MB of text). */
const MAX_PREFILL_CHARS = 4 * 1024 * 1024;

/** Builds a resumer; `send` issues the continuation request with the given body. */
export function anthropicResumer(
  request: Json,
  send: (body: Uint8Array) => Promise<ReadableStream<Uint8Array> | undefined>,
  maxResumes: number,
  maxPrefillChars = MAX_PREFILL_CHARS,
): StreamResumer {
  let text = "";
  /** Characters of text since the last resumption: the interrupted part's estimated cost. */
  let sinceResume = 0;
  let index = -1;
  let open = false;
  let resumable = true;
  let resumes = 0;
  const reader = jsonEventReader((event) => {
    if (event.type === "content_block_start") {
      const block = isObject(event.content_block) ? event.content_block : {};
      if (block.type !== "text") resumable = false;
      index = Number(event.index);
      open = true;
    } else if (event.type === "content_block_delta") {
      const delta = isObject(event.delta) ? event.delta : {};
      if (delta.type === "text_delta" && typeof delta.text === "string") {
        sinceResume += delta.text.length;
        if (!resumable) return;
        text += delta.text;
        if (text.length > maxPrefillChars) {
          resumable = false;
          text = "";
        }
      } else resumable = false;
    } else if (event.type === "content_block_stop") open = false;
    else if (event.type === "message_stop") resumable = false;
  });

  return {
    observe: (chunk) => reader.push(chunk),
    estimatedLostOutputTokens: () => Math.ceil(sinceResume / 4),
    async continueAfterBreak() {
      const prefill = text.trimEnd();
      if (!resumable || resumes >= maxResumes || index < 0 || !prefill) return undefined;
      resumes++;
      const messages = Array.isArray(request.messages) ? [...request.messages] : [];
      const last = messages.at(-1);
      if (isObject(last) && last.role === "assistant" && typeof last.content === "string") {
        messages[messages.length - 1] = { role: "assistant", content: last.content + prefill };
      } else messages.push({ role: "assistant", content: prefill });
      const body = new TextEncoder().encode(JSON.stringify({ ...request, messages, stream: true }));
      const continuation = await send(body).catch(() => undefined);
      if (!continuation) return undefined;
      sinceResume = 0;
      // An open block continues in the continuation's block 0; a closed one is followed by a new block.
      return continuation.pipeThrough(splice(open ? index : index + 1, open));
    },
  };
}

/** Drops the continuation's preamble and shifts its block indices onto the interrupted stream's. */
function splice(offset: number, continuesOpenBlock: boolean): TransformStream<Uint8Array, Uint8Array> {
  const encoder = new TextEncoder();
  let out!: TransformStreamDefaultController<Uint8Array>;
  const reader = jsonEventReader((event) => {
    const type = String(event.type);
    if (type === "message_start" || type === "ping") return;
    if (type === "content_block_start" && event.index === 0 && continuesOpenBlock) return;
    if (typeof event.index === "number") event.index += offset;
    out.enqueue(encoder.encode(`event: ${type}\ndata: ${JSON.stringify(event)}\n\n`));
  });
  return new TransformStream({
    start(controller) {
      out = controller;
    },
    transform: (chunk) => reader.push(chunk),
    flush: () => reader.end(),
  });
}
