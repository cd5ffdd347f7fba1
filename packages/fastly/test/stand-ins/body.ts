/** Stand-in for `fastly:body` (the writer `CoreCache.insert` returns); accepts bytes and strings. */
import type * as Fastly from "fastly:body";

export class FastlyBody implements Fastly.FastlyBody {
  chunks: Uint8Array[] = [];
  closed = false;
  abandoned = false;
  onClose?: (bytes: Uint8Array) => void;

  concat(dest: FastlyBody): void {
    this.chunks.push(...dest.chunks);
    dest.chunks = [];
  }
  read(chunkSize: number): ArrayBuffer {
    const bytes = this.#bytes();
    const out = bytes.slice(0, chunkSize);
    this.chunks = [bytes.slice(chunkSize)];
    return out.buffer;
  }
  append(data: BodyInit): void {
    this.chunks.push(toBytes(data));
  }
  prepend(data: BodyInit): void {
    this.chunks.unshift(toBytes(data));
  }
  close(): void {
    if (this.closed) throw new TypeError("FastlyBody is already closed");
    this.closed = true;
    this.onClose?.(this.#bytes());
  }
  abandon(): void {
    this.abandoned = true;
  }
  #bytes(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }
}

function toBytes(data: BodyInit): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data).slice();
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  throw new TypeError("stand-in FastlyBody takes strings and bytes only");
}
