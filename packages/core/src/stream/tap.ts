/**
 * Passes a response body to the client chunk by chunk, unchanged, while reading usage from it.
 * Pull-based with no queue of its own (highWaterMark 0): a chunk is read from upstream only when the
 * client is ready for it, so memory stays flat whatever the stream's length.
 */
import type { FailureName } from "../failures.js";
import type { StreamResumer } from "../upstream/resume.js";
import type { PassThrough } from "./observe.js";
import { SseReader } from "./sse-reader.js";
import { emptyUsage, type Usage, type UsageReader } from "./usage.js";

export interface TapOptions {
  /** Server-sent events: read event by event. Otherwise the body is JSON, read whole at the end. */
  sse: boolean;
  readUsage: UsageReader;
  /** JSON bodies up to this size are kept (for usage and the response cache); larger ones are not. */
  collectLimit: number;
  /** End an SSE stream that has been silent this long (0: never). */
  idleTimeoutMs: number;
  /** The provider's SSE error event, sent when the upstream breaks or stalls mid-stream. */
  errorEvent: (failure: FailureName, message: string) => string;
  /** Stops the upstream request (client went away, stream stalled). */
  abortUpstream: () => void;
  startedAt: number;
  /** Closes a JSON-array stream with an error element when it breaks between elements (Gemini). */
  jsonArrayErrorTail?: (failure: FailureName, message: string, first: boolean) => string;
  /** Opt-in: splices a continuation in when the stream breaks after content was sent. */
  resumer?: StreamResumer;
  /**
   * Applied to each chunk from the upstream's first in-stream error event on (error messages may quote the
   * provider key). Chunks before it pass untouched: the success path does no extra work.
   */
  scrubAfterError?: (chunk: Uint8Array) => Uint8Array;
  /**
   * The runtime's own pass-through stream: when given, each chunk is written into it (a pump) instead of
   * being served from a JavaScript `ReadableStream` source. Same bytes, checks and backpressure (a write
   * completes when the client has taken it); on workerd a fifth less CPU per event.
   */
  passThrough?: PassThrough;
  /** Whether the client has gone (its request aborted): a read that fails then failed because it left. */
  clientGone?: () => boolean;
}

export interface TapResult {
  usage: Usage;
  failure?: FailureName;
  /** Milliseconds from the request's arrival to the first body byte handed on (-1: none). */
  ttfbMs: number;
  bytes: number;
  /** The whole body, when it was JSON and within `collectLimit`. */
  body?: Uint8Array;
}

/** Whether this runtime has readable byte streams (Fastly's may not); plain streams otherwise. */
const BYTE_STREAMS = (() => {
  try {
    new ReadableStream({ type: "bytes" } as never);
    return true;
  } catch {
    return false;
  }
})();
const encoder = new TextEncoder();

/** What the tap reads from: a stream's reader, or anything that reads like one (a held-back preamble). */
export type ChunkReader = Pick<ReadableStreamDefaultReader<Uint8Array>, "read" | "cancel">;

const isStream = (body: ReadableStream<Uint8Array> | ChunkReader): body is ReadableStream<Uint8Array> =>
  typeof (body as ReadableStream<Uint8Array>).getReader === "function";

/** A pull-based stream over a chunk reader, for the rare paths that need a stream (translation, pass-through). */
export function asStream(body: ReadableStream<Uint8Array> | ChunkReader): ReadableStream<Uint8Array> {
  if (isStream(body)) return body;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const result = await body.read();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: (reason) => body.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

export function tapBody(
  upstream: ReadableStream<Uint8Array> | ChunkReader,
  options: TapOptions,
): { stream: ReadableStream<Uint8Array>; done: Promise<TapResult> } {
  let reader: ChunkReader = isStream(upstream) ? upstream.getReader() : upstream;
  let usage = emptyUsage();
  /** Usage of the segments before each resumption, summed in at the end. */
  const carried: Usage[] = [];
  let failure: FailureName | undefined;
  let ttfbMs = -1;
  /** The last non-blank byte passed on, to know whether a JSON-array stream broke between elements. */
  let lastByte = 0;
  let bytes = 0;
  let chunks: Uint8Array[] | undefined = options.sse ? undefined : [];
  let settle!: (result: TapResult) => void;
  const done = new Promise<TapResult>((resolve) => {
    settle = resolve;
  });
  let finished = false;
  const byteStream = options.sse && BYTE_STREAMS && !options.passThrough;

  const sse = options.sse
    ? new SseReader((data) => {
        try {
          failure = options.readUsage(JSON.parse(data), usage) ?? failure;
        } catch {
          // Not JSON (e.g. "[DONE]"): nothing to read.
        }
      })
    : undefined;

  function finish(endFailure?: FailureName): void {
    if (finished) return;
    finished = true;
    clearTimeout(watchdog);
    let body: Uint8Array | undefined;
    if (chunks) {
      body = concat(chunks, bytes);
      if (!endFailure) {
        try {
          failure = options.readUsage(JSON.parse(new TextDecoder().decode(body)), usage) ?? failure;
        } catch {
          failure ??= "bad_upstream_response";
        }
      }
    }
    for (const part of carried) {
      usage.inputTokens += part.inputTokens;
      usage.outputTokens += part.outputTokens;
      usage.cacheReadTokens += part.cacheReadTokens;
      usage.cacheWriteTokens += part.cacheWriteTokens;
      if (part.cacheWrite1hTokens)
        usage.cacheWrite1hTokens = (usage.cacheWrite1hTokens ?? 0) + part.cacheWrite1hTokens;
    }
    settle({ usage, failure: endFailure ?? failure, ttfbMs, bytes, body });
  }

  // Stall detection: one watchdog per stream, re-armed only when it fires, instead of a timer per chunk.
  // When it finds the stream silent it aborts the upstream, which ends the read in flight; nothing is raced
  // against each read, so a chunk costs no extra promise.
  const watchIdle = options.idleTimeoutMs > 0;
  let lastActivity = Date.now();
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  function check(): void {
    const idle = Date.now() - lastActivity;
    if (idle < options.idleTimeoutMs) {
      watchdog = setTimeout(check, options.idleTimeoutMs - idle);
      return;
    }
    stalled = true;
    options.abortUpstream();
    reader.cancel().catch(() => {});
  }
  const arm = () => {
    if (watchIdle) watchdog = setTimeout(check, options.idleTimeoutMs);
  };
  arm();

  const source: UnderlyingDefaultSource<Uint8Array> = {
    async pull(controller) {
      // A loop, not a return-and-wait: the stream calls pull again only for reads made while pulling.
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
          // The watchdog's cancel may end the read as a clean end of stream: it is still a stall.
          if (stalled) throw stalled;
        } catch {
          if (options.clientGone?.()) {
            // The client's leaving aborted the upstream: its cancel may not have reached the stream yet.
            options.abortUpstream();
            reader.cancel().catch(() => {});
            controller.close();
            finish("client_abort");
            return;
          }
          const name: FailureName = stalled ? "stream_stall" : "stream_reset";
          options.abortUpstream();
          reader.cancel().catch(() => {});
          const continuation =
            sse && options.resumer ? await options.resumer.continueAfterBreak() : undefined;
          if (continuation && options.resumer) {
            usage.outputTokens = Math.max(usage.outputTokens, options.resumer.estimatedLostOutputTokens());
            carried.push(usage);
            usage = emptyUsage();
            reader = continuation.getReader();
            // The continuation gets its own idle allowance.
            clearTimeout(watchdog);
            stalled = false;
            lastActivity = Date.now();
            arm();
            continue;
          }
          const message =
            name === "stream_stall"
              ? `The upstream sent nothing for ${options.idleTimeoutMs} ms; the stream was ended.`
              : "The upstream connection broke mid-stream.";
          if (sse) controller.enqueue(encoder.encode(options.errorEvent(name, message)));
          else if (options.jsonArrayErrorTail && (lastByte === 125 || lastByte === 91)) {
            /* } or [ */ controller.enqueue(
              encoder.encode(options.jsonArrayErrorTail(name, message, lastByte === 91)),
            );
          }
          // Closed, not errored: the client gets a well-formed end (or, mid-element, the bytes so far).
          controller.close();
          finish(name);
          return;
        }
        if (result.done) {
          sse?.end();
          controller.close();
          finish();
          return;
        }
        lastActivity = Date.now();
        // An empty chunk is legal upstream but cannot be enqueued on a byte stream: wait for the next.
        if (result.value.byteLength === 0) continue;
        const chunk = byteStream ? ownBuffer(result.value) : result.value;
        for (let i = chunk.byteLength - 1; !sse && i >= 0; i--) {
          const c = chunk[i]!;
          if (c !== 32 && c !== 10 && c !== 13) {
            lastByte = c;
            break;
          }
        }
        if (ttfbMs < 0) ttfbMs = lastActivity - options.startedAt;
        bytes += chunk.byteLength;
        if (sse) {
          sse.push(chunk);
          options.resumer?.observe(chunk);
        } else if (chunks) {
          if (bytes <= options.collectLimit) chunks.push(chunk);
          else chunks = undefined;
        }
        controller.enqueue(failure && options.scrubAfterError ? options.scrubAfterError(chunk) : chunk);
        return;
      }
    },
    cancel(reason) {
      options.abortUpstream();
      reader.cancel(reason).catch(() => {});
      finish("client_abort");
    },
  };
  if (options.passThrough) return { stream: pump(source, options.passThrough()), done };
  // A byte stream lets runtimes hand chunks to the socket with less JS-side work (notably workerd).
  // Its enqueue transfers the chunk's buffer: everything that reads a chunk does so before enqueueing.
  const stream = byteStream
    ? new ReadableStream({ ...source, type: "bytes" } as never as UnderlyingDefaultSource<Uint8Array>)
    : new ReadableStream<Uint8Array>(source, { highWaterMark: 0 });
  return { stream, done };
}

/**
 * Runs a stream source as a pump into the runtime's pass-through: each `pull` hands on at most one chunk (or
 * an error event and the end), written before the next pull, so the upstream is read no faster than the client
 * takes it. The client leaving errors the pass-through's writable side, and that is the source's `cancel`.
 */
function pump(
  source: UnderlyingDefaultSource<Uint8Array>,
  pass: ReturnType<PassThrough>,
): ReadableStream<Uint8Array> {
  const writer = pass.writable.getWriter();
  let closed = false;
  let written: Promise<void> | undefined;
  let left = false;
  const leave = (reason: unknown) => {
    if (left || closed) return;
    left = true;
    void source.cancel?.(reason);
  };
  // Rejects as soon as the client's side is cancelled, even while the pump waits on the upstream.
  writer.closed.catch(leave);
  const controller = {
    enqueue(chunk: Uint8Array) {
      // Writes complete in order, and one that fails fails those after it: the last one is enough to await.
      written = writer.write(chunk);
    },
    close() {
      closed = true;
    },
    error() {
      closed = true;
    },
    desiredSize: 0,
  } as unknown as ReadableStreamDefaultController<Uint8Array>;
  void (async () => {
    try {
      while (!closed && !left) {
        await source.pull!(controller);
        if (written) await written;
        written = undefined;
      }
      if (!left) await writer.close();
    } catch (error) {
      leave(error);
      // As a JS stream's failed pull would error it: the client's body ends broken, never left open.
      writer.abort(error).catch(() => {});
    }
  })();
  return pass.readable;
}

/**
 * A byte stream's enqueue transfers the chunk's whole buffer, detaching every other view of it: a chunk
 * that is only part of its buffer (two chunks sliced from one read) is copied so its neighbours survive.
 */
function ownBuffer(chunk: Uint8Array): Uint8Array {
  return chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
