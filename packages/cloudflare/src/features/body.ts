/**
 * Small helpers the body-rewriting features share: replace what core forwards, and read a stream while it
 * passes to the client.
 */
import type { GatewayContext } from "@sluice/core";

const encoder = new TextEncoder();

/** Replaces the bytes core forwards upstream (and its parsed copy, for middleware that runs later). */
export function replaceBody(ctx: GatewayContext, text: string, json: unknown): void {
  ctx.body = encoder.encode(text);
  ctx.json = json;
}

/**
 * Passes `body` to the client unchanged, chunk by chunk (pull-based, so the client's pace is kept), and calls
 * `onChunk` with each chunk on the way. At the end, `beforeClose` runs before the client's stream closes
 * (its failure never reaches the client). `ended` resolves true when the body ended, false when the client
 * went away or the upstream broke first.
 */
export function observeBody(
  body: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
  beforeClose?: () => Promise<void>,
): { stream: ReadableStream<Uint8Array>; ended: Promise<boolean> } {
  const reader = body.getReader();
  let settle!: (complete: boolean) => void;
  const ended = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          settle(false);
          controller.error(error);
          return;
        }
        if (result.done) {
          settle(true);
          await beforeClose?.().catch(() => {});
          controller.close();
          return;
        }
        try {
          onChunk(result.value);
        } catch {
          // An observer's bug must never break the client's stream.
        }
        controller.enqueue(result.value);
      },
      cancel(reason) {
        settle(false);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, ended };
}

/** Server-sent events, one `data` payload at a time (multi-line data joined with "\n"). */
export class SseLines {
  #decoder = new TextDecoder();
  #buffer = "";
  #data: string[] = [];
  constructor(private readonly onData: (data: string) => void) {}

  push(chunk: Uint8Array): void {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    let newline = this.#buffer.search(/\r\n|\r|\n/);
    while (newline >= 0) {
      const line = this.#buffer.slice(0, newline);
      const width = this.#buffer.startsWith("\r\n", newline) ? 2 : 1;
      this.#buffer = this.#buffer.slice(newline + width);
      this.#line(line);
      newline = this.#buffer.search(/\r\n|\r|\n/);
    }
  }

  end(): void {
    if (this.#buffer) this.#line(this.#buffer);
    this.#buffer = "";
    this.#line("");
  }

  #line(line: string): void {
    if (line === "") {
      if (this.#data.length > 0) this.onData(this.#data.join("\n"));
      this.#data = [];
    } else if (line.startsWith("data:")) {
      this.#data.push(line.slice(line[5] === " " ? 6 : 5));
    }
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
