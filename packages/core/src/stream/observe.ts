/**
 * The native stream path: the runtime's `tee()` carries the upstream's SSE bytes to the client (piped into a
 * pass-through the platform provides, e.g. workerd's IdentityTransformStream, so no chunk is handed to
 * JavaScript on the way), while the second branch is read for usage a few times per stream.
 *
 * - The observer reads whatever is buffered, at least one byte (BYOB `readAtLeast(1)` where the runtime has
 *   it), so it never makes the tee pull a larger block than the client needs: the client gets each chunk as
 *   soon as it arrives. After a short read it pauses `pauseMs`, letting chunks pile up in its branch, so it
 *   wakes a few times per stream instead of once per event. Its lag is bounded by that pause.
 * - A read that fills the buffer means the observer is behind (a stream faster than ~10 MB/s): the buffer
 *   grows, up to 1 MB, so it catches up in fewer reads. What it is behind by, the tee holds for it: in workerd
 *   peak memory grows with the length of such a stream (bench/README.md), about half as fast as with a fixed
 *   64 KB buffer. A stream at model speed never fills even the first buffer.
 * - Backpressure: workerd's tee never lets the read branch run ahead of a branch that is being pumped, and the
 *   pass-through's writes complete only when the client reads. A slow client therefore slows the upstream
 *   read; nothing is buffered for it beyond the runtime's own pipe buffers.
 * - Endings: an upstream break or a stall closes the client's stream with the provider's error event (the
 *   pass-through stays open: `preventAbort`), a client that leaves aborts the upstream; either way `done`
 *   settles exactly once.
 * - Not on this path: scrubbing in-stream error events (the bytes have already left when the observer reads
 *   them; see docs/security.md), resumption, translation.
 */
import type { FailureName } from "../failures.js";
import { SseReader } from "./sse-reader.js";
import type { ChunkReader, TapResult } from "./tap.js";
import { emptyUsage, type UsageReader } from "./usage.js";

export type PassThrough = () => {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
};

export interface ObserveOptions {
  readUsage: UsageReader;
  /** End a stream that has been silent this long (0: never). */
  idleTimeoutMs: number;
  errorEvent: (failure: FailureName, message: string) => string;
  abortUpstream: () => void;
  startedAt: number;
  passThrough: PassThrough;
  /** Chunks already read from the upstream (a held-back preamble): sent first, and read for usage. */
  head?: Uint8Array[];
  /**
   * Pause after a short read so the next one coalesces more chunks. Default 5 ms: in workerd 20 ms cost more
   * CPU per event, and the client's stream ends only once the observer has read the last chunk, up to a
   * pause later (bench/README.md).
   */
  pauseMs?: number;
}

const STALL = Symbol("stall");
/** The observer's first read buffer, and the most it grows to on a stream it cannot keep up with. */
const BUFFER = 64 * 1024;
const MAX_BUFFER = 1024 * 1024;
const encoder = new TextEncoder();

type Read = (view: Uint8Array) => Promise<ReadableStreamReadResult<Uint8Array>>;

/** A reader that fills a reusable buffer (BYOB, at least one byte) where the runtime has one; plain reads elsewhere. */
function chunkReader(branch: ReadableStream<Uint8Array>): { read: Read; cancel: () => Promise<void> } {
  try {
    const byob = branch.getReader({ mode: "byob" }) as ReadableStreamBYOBReader & {
      readAtLeast?: (min: number, view: Uint8Array) => Promise<ReadableStreamReadResult<Uint8Array>>;
    };
    const read: Read = byob.readAtLeast
      ? (view) => byob.readAtLeast!(1, view)
      : (view) => byob.read(view) as Promise<ReadableStreamReadResult<Uint8Array>>;
    return { read, cancel: () => byob.cancel() };
  } catch {
    const plain = branch.getReader();
    return { read: () => plain.read(), cancel: () => plain.cancel() };
  }
}

/**
 * The upstream stream to observe natively, with any chunks already read off it: the body itself when it is
 * an untouched stream, or what a held-back preamble hands back. Undefined when neither can be had.
 */
export function nativeSource(
  body: ReadableStream<Uint8Array> | ChunkReader,
): { head: Uint8Array[]; rest: ReadableStream<Uint8Array> } | undefined {
  if (typeof (body as ReadableStream<Uint8Array>).getReader === "function") {
    const stream = body as ReadableStream<Uint8Array>;
    return stream.locked ? undefined : { head: [], rest: stream };
  }
  const held = body as ChunkReader & { detach?: () => ReturnType<typeof nativeSource> };
  return held.detach?.();
}

export function observeBody(
  upstream: ReadableStream<Uint8Array>,
  options: ObserveOptions,
): { stream: ReadableStream<Uint8Array>; done: Promise<TapResult> } {
  const [toClient, toObserver] = upstream.tee();
  const pass = options.passThrough();
  const usage = emptyUsage();
  let failure: FailureName | undefined;
  let ttfbMs = -1;
  let bytes = 0;
  const sse = new SseReader((data) => {
    try {
      failure = options.readUsage(JSON.parse(data), usage) ?? failure;
    } catch {
      // Not JSON (e.g. "[DONE]"): nothing to read.
    }
  });
  const take = (chunk: Uint8Array) => {
    if (ttfbMs < 0) ttfbMs = Date.now() - options.startedAt;
    bytes += chunk.byteLength;
    sse.push(chunk);
  };
  const head = options.head ?? [];
  for (const chunk of head) take(chunk);

  // The client's side: the held head, then the upstream's bytes piped natively. Resolves false when the pipe
  // broke (the upstream failed or was aborted, or the client left).
  const delivered = (async () => {
    if (head.length > 0) {
      const writer = pass.writable.getWriter();
      try {
        for (const chunk of head) await writer.write(chunk);
      } finally {
        writer.releaseLock();
      }
    }
    await toClient.pipeTo(pass.writable, { preventClose: true, preventAbort: true });
  })().then(
    () => true,
    () => false,
  );
  // Whatever broke the pipe, the upstream is no longer needed (the client left, or it already failed).
  void delivered.then((ok) => ok || options.abortUpstream());

  const observed = observe(chunkReader(toObserver), options, take);

  const done = (async (): Promise<TapResult> => {
    const [ok, ended] = await Promise.all([delivered, observed]);
    sse.end();
    let end: FailureName | undefined = ok ? ended : (ended ?? "stream_reset");
    try {
      const writer = pass.writable.getWriter();
      if (end === "stream_reset" || end === "stream_stall") {
        const message =
          end === "stream_stall"
            ? `The upstream sent nothing for ${options.idleTimeoutMs} ms; the stream was ended.`
            : "The upstream connection broke mid-stream.";
        await writer.write(encoder.encode(options.errorEvent(end, message)));
      }
      await writer.close();
    } catch {
      // The client's side is gone: it left (its leaving is what broke the pipe, or came first).
      end = "client_abort";
    }
    return { usage, failure: end ?? failure, ttfbMs, bytes };
  })();
  return { stream: pass.readable, done };
}

/** Reads the observer branch to its end; names how it ended (undefined: complete). */
async function observe(
  reader: { read: Read; cancel: () => Promise<void> },
  options: ObserveOptions,
  take: (chunk: Uint8Array) => void,
): Promise<FailureName | undefined> {
  const pauseMs = options.pauseMs ?? 5;
  const watchIdle = options.idleTimeoutMs > 0;
  let lastActivity = Date.now();
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let raiseStall!: (reason: unknown) => void;
  const stalled = new Promise<never>((_, reject) => {
    raiseStall = reject;
  });
  stalled.catch(() => {});
  const check = (): void => {
    const idle = Date.now() - lastActivity;
    if (idle >= options.idleTimeoutMs) raiseStall(STALL);
    else watchdog = setTimeout(check, options.idleTimeoutMs - idle);
  };
  if (watchIdle) watchdog = setTimeout(check, options.idleTimeoutMs);
  let size = BUFFER;
  let buffer = new ArrayBuffer(size);
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        const read = reader.read(new Uint8Array(buffer));
        result = await (watchIdle ? Promise.race([read, stalled]) : read);
      } catch (error) {
        if (error !== STALL) return "stream_reset";
        options.abortUpstream();
        reader.cancel().catch(() => {});
        return "stream_stall";
      }
      if (result.done) return undefined;
      const chunk = result.value;
      lastActivity = Date.now();
      take(chunk);
      if (chunk.byteLength === size && size < MAX_BUFFER) {
        size = Math.min(MAX_BUFFER, size * 4);
        buffer = new ArrayBuffer(size);
      } else if (chunk.buffer.byteLength === size) {
        // BYOB hands the same buffer back (transferred): reuse it, nothing is allocated per read.
        buffer = chunk.buffer as ArrayBuffer;
      } else buffer = new ArrayBuffer(size);
      // A short read (under half the first buffer): the observer has caught up, let chunks pile up again.
      if (pauseMs > 0 && chunk.byteLength < BUFFER / 2) await sleep(pauseMs);
    }
  } finally {
    clearTimeout(watchdog);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
