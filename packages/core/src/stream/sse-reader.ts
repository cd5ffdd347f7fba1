/**
 * An incremental server-sent-events reader that only looks: it is fed the bytes as they pass and hands
 * the `data` of each event that may carry usage or an error to `onData`. It never changes or holds a byte
 * of the stream itself. Handles \n, \r\n and \r line ends, split anywhere across chunks.
 */
const INTERESTING = /usage|error|"type":"response\.(completed|failed)"/;

export class SseReader {
  private readonly decoder = new TextDecoder();
  private pending = "";
  private data: string[] = [];

  /** `filter` picks which events' data to hand on; the default skips those that cannot hold usage or errors. */
  constructor(
    private readonly onData: (data: string) => void,
    private readonly filter: RegExp | null = INTERESTING,
  ) {}

  push(chunk: Uint8Array): void {
    this.consume(this.decoder.decode(chunk, { stream: true }));
  }

  /** Called at the end of the stream: an event without a trailing blank line still counts. */
  end(): void {
    this.consume(this.decoder.decode());
    // A lone \r held back in case a \n followed is, at the end, simply a line end.
    const last = this.pending.endsWith("\r") ? this.pending.slice(0, -1) : this.pending;
    if (last) this.line(last);
    this.pending = "";
    this.dispatch();
  }

  private consume(text: string): void {
    let buffer = this.pending + text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A \r at the very end may be the first half of a \r\n split across chunks: wait for more.
      if (c === 13 && i === buffer.length - 1) break;
      this.line(buffer.slice(start, i));
      if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    buffer = buffer.slice(start);
    this.pending = buffer;
  }

  private line(line: string): void {
    if (line === "") this.dispatch();
    else if (line.startsWith("data:"))
      this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
  }

  private dispatch(): void {
    if (this.data.length === 0) return;
    const data = this.data.length === 1 ? this.data[0]! : this.data.join("\n");
    this.data = [];
    if (!this.filter || this.filter.test(data)) this.onData(data);
  }
}

/**
 * A reader that hands on every event's data parsed as a JSON object; data that is not JSON (OpenAI's
 * `[DONE]`) goes to `onText`, if given.
 */
export function jsonEventReader(
  onEvent: (event: Record<string, unknown>) => void,
  onText?: (data: string) => void,
): SseReader {
  return new SseReader((data) => {
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      onText?.(data);
      return;
    }
    if (typeof event === "object" && event !== null) onEvent(event as Record<string, unknown>);
  }, null);
}
