/**
 * An incremental server-sent-events reader that only looks: it is fed the bytes as they pass and hands
 * the `data` of each event that may carry usage or an error to `onData`. It never changes or holds a byte
 * of the stream itself. Handles \n, \r\n and \r line ends, split anywhere across chunks.
 */
const INTERESTING = /usage|error|"type":"response\.(completed|failed)"/;
/** Words one of which every event the default filter wants holds: found with native substring search. */
const INTERESTING_WORDS = ["usage", "error", '"type":"response.'];
/** Above this, an unfinished event is parsed line by line rather than rescanned whole on every chunk. */
const SKIM_LIMIT = 64 * 1024;

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
    this.lines(this.pending + this.decoder.decode());
    // A lone \r held back in case a \n followed is, at the end, simply a line end.
    const last = this.pending.endsWith("\r") ? this.pending.slice(0, -1) : this.pending;
    if (last) this.line(last);
    this.pending = "";
    this.dispatch();
  }

  /**
   * Most events (the text deltas) hold nothing the filter wants. While the text has only \n line ends, the
   * complete events in it are tested whole with one native regex scan, and skipped unparsed when none can
   * match: no per-character loop, no string per line. A filter that matches none of an event's raw text
   * matches none of its data either (data is a part of it; the filter's words cannot span lines). Everything
   * else goes line by line.
   */
  private consume(text: string): void {
    const buffer = this.pending + text;
    if (this.filter && this.data.length === 0 && buffer.length <= SKIM_LIMIT && buffer.indexOf("\r") < 0) {
      const end = buffer.lastIndexOf("\n\n") + 2; // after the last blank line: the end of the last full event
      if (end < 2) {
        this.pending = buffer;
        return;
      }
      const events = end === buffer.length ? buffer : buffer.slice(0, end);
      // The default filter's words are searched for directly: several times faster than its regex.
      const wanted =
        this.filter === INTERESTING
          ? INTERESTING_WORDS.some((word) => events.includes(word))
          : this.filter.test(events);
      if (!wanted) {
        this.pending = buffer.slice(end);
        return;
      }
    }
    this.lines(buffer);
  }

  /** Parses `buffer` line by line, dispatching complete events; the unfinished last line stays pending. */
  private lines(buffer: string): void {
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
