/**
 * Holds back the start of an Anthropic stream (message_start, content_block_start, ping) until its first
 * content delta, so an `overloaded_error` that arrives before any content can be retried or sent to a
 * fallback and the client still sees one clean stream. Nothing is held past the first content delta,
 * `maxWaitMs` or `maxBytes`.
 */
import { SseReader } from "../stream/sse-reader.js";
import type { ChunkReader } from "../stream/tap.js";

export interface PreambleResult {
  /** An error event came before any content: the stream is worth retrying. */
  overloaded: boolean;
  /** Everything read so far followed by the rest of the upstream body, pulled on demand. */
  reader: HeldReader;
  cancel(): Promise<void>;
}

/** The held chunks' reader; `detach` hands back the chunks and the untouched rest of the upstream stream instead. */
export type HeldReader = ChunkReader & {
  detach(): { head: Uint8Array[]; rest: ReadableStream<Uint8Array> } | undefined;
};

const WAITED = Symbol("waited");

export async function holdPreamble(
  body: ReadableStream<Uint8Array>,
  maxWaitMs: number,
  maxBytes = 64 * 1024,
): Promise<PreambleResult> {
  const reader = body.getReader();
  const held: Uint8Array[] = [];
  let size = 0;
  let verdict: "content" | "error" | undefined;
  let ended = false;
  let broken: unknown;
  const sse = new SseReader((data) => {
    if (verdict) return;
    // content_block_start carries no content yet (an empty text block): the first delta is the first token.
    if (/"(content_block_delta|message_delta|message_stop)"/.test(data)) verdict = "content";
    else if (/"type"\s*:\s*"error"/.test(data))
      verdict = data.includes("overloaded_error") ? "error" : "content";
  }, null);
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const deadline = Date.now() + maxWaitMs;
  while (!verdict && !ended && size < maxBytes) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    pending ??= reader.read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let result: ReadableStreamReadResult<Uint8Array> | typeof WAITED;
    try {
      result = await Promise.race([
        pending,
        new Promise<typeof WAITED>((r) => (timer = setTimeout(() => r(WAITED), left))),
      ]);
    } catch (error) {
      // The upstream broke while held: hand on what was read, then the same error to the next reader.
      clearTimeout(timer);
      broken = error;
      break;
    }
    clearTimeout(timer);
    if (result === WAITED) break;
    pending = undefined;
    if (result.done) {
      ended = true;
      break;
    }
    held.push(result.value);
    size += result.value.byteLength;
    sse.push(result.value);
  }
  // Held chunks first, then the rest straight from the upstream reader: no extra stream layer per chunk, and
  // no async wrapper either (the upstream reader's own promise is handed on: one promise per chunk, not two).
  const chunks: HeldReader = {
    read() {
      const next = held.shift();
      if (next) return Promise.resolve({ done: false, value: next });
      if (broken !== undefined) return Promise.reject(broken);
      if (ended) return Promise.resolve({ done: true, value: undefined });
      const result = pending ?? reader.read();
      pending = undefined;
      return result;
    },
    cancel: (reason) => reader.cancel(reason),
    // Only while no read is in flight (a read left pending by the deadline would lose its chunk).
    detach() {
      if (pending || broken !== undefined) return undefined;
      reader.releaseLock();
      return { head: held.splice(0), rest: body };
    },
  };
  return { overloaded: verdict === "error", reader: chunks, cancel: () => reader.cancel().catch(() => {}) };
}
