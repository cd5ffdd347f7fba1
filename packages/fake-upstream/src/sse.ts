// Writes a provider's StreamSpec to the socket and plays the timing faults (drip, stall, reset,
// in-stream error, huge). Frames are produced lazily and every write waits for `drain`, so a
// 100 MB `huge` stream to a slow client holds only a socket buffer's worth of memory.
import type { ServerResponse } from "node:http";
import { setTimeout as sleepFor } from "node:timers/promises";
import { HUGE_DELTA, splitReply } from "./content.js";
import type { Faults } from "./faults.js";
import type { StreamSpec } from "./providers/types.js";

/** A stalled stream gives up after this long even if the client never leaves. */
const STALL_CAP_MS = 5 * 60 * 1000;

export interface StreamIo {
  res: ServerResponse;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
  /** Counts body bytes as they are handed to the socket. */
  onBytes(n: number): void;
  /** Marks that the server (not the client) tore the connection down. */
  markSelfDestroyed(): void;
}

/** Resolves false instead of throwing when the wait is cut short. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleepFor(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

async function writeChunk(io: StreamIo, chunk: string): Promise<boolean> {
  const { res, signal } = io;
  if (signal.aborted || res.destroyed) return false;
  if (chunk.length === 0) return true; // an empty chunk would terminate a chunked body
  io.onBytes(Buffer.byteLength(chunk));
  if (res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      signal.removeEventListener("abort", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on("drain", onDrain);
    res.on("close", onClose);
    signal.addEventListener("abort", onClose);
  });
}

/** Let already-written bytes reach the client, then send a TCP RST (a real "connection reset"). */
async function resetConnection(io: StreamIo): Promise<void> {
  io.markSelfDestroyed();
  const socket = io.res.socket;
  for (let i = 0; i < 40 && socket && socket.writableLength > 0; i++) await sleep(5, io.signal);
  await sleep(30, io.signal);
  if (socket && !socket.destroyed) socket.resetAndDestroy();
}

/** Hold the connection silently until the client leaves (or the cap), then drop it. */
export async function stall(io: StreamIo): Promise<void> {
  const stayed = await sleep(STALL_CAP_MS, io.signal);
  if (stayed) {
    io.markSelfDestroyed();
    io.res.socket?.destroy();
  }
}

export type StreamOutcome = "completed" | "aborted" | "faulted";

export async function runStream(
  io: StreamIo,
  spec: StreamSpec,
  faults: Faults,
  events: number,
): Promise<StreamOutcome> {
  const write = (s: string) => writeChunk(io, s);
  let bytes = 0;
  for (const frame of spec.preamble()) {
    bytes += Buffer.byteLength(frame);
    if (!(await write(frame))) return "aborted";
  }

  const texts = faults.huge === undefined ? splitReply(events) : undefined;
  let total = texts?.length ?? Number.POSITIVE_INFINITY;
  let lastFrame = 0;
  for (let i = 0; ; i++) {
    // Faults trigger "after N content events", so they are checked before event N is built.
    if (faults.inStreamOverload === i) {
      await write(spec.error());
      io.res.end();
      return "faulted";
    }
    if (faults.resetAfter === i) {
      await resetConnection(io);
      return "faulted";
    }
    if (faults.stallAfter === i) {
      await stall(io);
      return "faulted";
    }
    if (i >= total) break;
    if (faults.drip && !(await sleep(faults.drip, io.signal))) return "aborted";

    const text = texts ? texts[i]! : HUGE_DELTA;
    const last = texts
      ? i === texts.length - 1
      : bytes + Math.max(lastFrame, HUGE_DELTA.length) >= faults.huge!;
    const frame = spec.delta(text, i, last);
    lastFrame = Buffer.byteLength(frame);
    bytes += lastFrame;
    if (!(await write(frame))) return "aborted";
    if (last) total = i + 1;
  }

  if (faults.drip && !(await sleep(faults.drip, io.signal))) return "aborted";
  const count = total;
  const replay = function* () {
    if (texts) yield* texts;
    else for (let i = 0; i < count; i++) yield HUGE_DELTA;
  };
  for (const piece of spec.epilogue(count, replay)) if (!(await write(piece))) return "aborted";
  io.res.end();
  return "completed";
}
