/**
 * An incremental server-sent-events reader that only looks: it is fed the bytes as they pass and hands
 * the `data` of each event that may carry usage or an error to `onData`. It never changes or holds a byte
 * of the stream itself. Handles \n, \r\n and \r line ends, split anywhere across chunks.
 */
const INTERESTING = /usage|error|"type":"response\.(completed|failed)"/;
/**
 * The default filter as words found with native substring search (several times faster than its regex).
 * `"usage": null` does not count: OpenAI-style streams asked for usage put it in every chunk, and only the
 * last one has numbers, so counting it would parse every event.
 */
const INTERESTING_WORDS = ["usage", "error", '"type":"response.completed"', '"type":"response.failed"'];

/** Whether the `usage` at `at` is the key of a JSON `"usage": null`. */
function nullUsage(text: string, at: number): boolean {
  if (text.charCodeAt(at - 1) !== 34 || text.charCodeAt(at + 5) !== 34) return false; // "usage"
  let i = at + 6;
  while (text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) !== 58) return false; // :
  i++;
  while (text.charCodeAt(i) === 32) i++;
  return text.startsWith("null", i);
}

/** Where the default filter's next word is in `text` at or after `from` (-1: none), for word `w`. */
function nextWord(text: string, w: number, from: number): number {
  let at = text.indexOf(INTERESTING_WORDS[w]!, from);
  if (w === 0) while (at >= 0 && nullUsage(text, at)) at = text.indexOf("usage", at + 5);
  return at;
}

/** The default filter on one event's data. */
function interesting(data: string): boolean {
  return INTERESTING_WORDS.some((_, w) => nextWord(data, w, 0) >= 0);
}
/** Above this, an unfinished event is parsed line by line rather than rescanned whole on every chunk. */
const SKIM_LIMIT = 64 * 1024;

export class SseReader {
  private readonly decoder = new TextDecoder();
  private pending = "";
  private data: string[] = [];

  /** `filter` picks which events' data to hand on; the default skips those that cannot hold usage or errors. */
  private readonly filter: RegExp | null;

  constructor(
    private readonly onData: (data: string) => void,
    filter: RegExp | null = INTERESTING,
  ) {
    // A global or sticky filter's `test` would carry its position from one event to the next.
    this.filter =
      filter && filter !== INTERESTING && /[gy]/.test(filter.flags)
        ? new RegExp(filter.source, filter.flags.replace(/[gy]/g, ""))
        : filter;
  }

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
   * complete events in it are searched whole, however large the read: for the default filter with native
   * substring search, parsing only the events that hold one of its words; a custom filter is tested on them
   * together, and they are skipped when it matches none. No per-character loop, no string per line for what
   * is skipped. A filter that matches none of an event's raw text matches none of its data either (data is
   * a part of it; the filter's words cannot span lines). An unfinished event waits whole, unless it grows
   * past SKIM_LIMIT (then it goes line by line, so it is not rescanned on every chunk).
   */
  private consume(text: string): void {
    const buffer = this.pending + text;
    if (!this.filter || this.data.length > 0 || buffer.indexOf("\r") >= 0) {
      this.lines(buffer);
      return;
    }
    const end = buffer.lastIndexOf("\n\n") + 2; // after the last blank line: the end of the last full event
    if (end >= 2 && this.filter !== INTERESTING) {
      // A custom filter is tested on the complete events whole (it may hold anchors or match anywhere): when
      // it matches none of them they are skipped, otherwise everything goes line by line.
      if (this.filter.test(buffer.slice(0, end))) {
        this.lines(buffer);
        return;
      }
    } else if (end >= 2) {
      // The default filter's words hold no line end: only the events holding one are parsed.
      const next = this.finder(buffer);
      for (let from = 0; from < end; ) {
        const at = next(from);
        if (at < 0 || at >= end) break;
        // The event holding the match: from the blank line before it to the one after it (at or before `end`).
        const before = buffer.lastIndexOf("\n\n", at);
        const start = before < from ? from : before + 2;
        const stop = buffer.indexOf("\n\n", at) + 2;
        this.lines(buffer.slice(start, stop));
        from = stop;
      }
    }
    const rest = end >= 2 ? buffer.slice(end) : buffer;
    if (rest.length <= SKIM_LIMIT) this.pending = rest;
    else this.lines(rest);
  }

  /**
   * Where the default filter next matches `buffer` at or after `from` (-1: nowhere). Each word's next position
   * is remembered, so a buffer full of wanted events (Gemini's usage is in every one) is still searched once.
   */
  private finder(buffer: string): (from: number) => number {
    const found = INTERESTING_WORDS.map(() => -2); // -2: not searched yet; -1: no more
    return (from) => {
      let first = -1;
      for (let w = 0; w < found.length; w++) {
        if (found[w]! !== -1 && found[w]! < from) found[w] = nextWord(buffer, w, from);
        const at = found[w]!;
        if (at >= 0 && (first < 0 || at < first)) first = at;
      }
      return first;
    };
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
    const wanted = this.filter === INTERESTING ? interesting(data) : !this.filter || this.filter.test(data);
    if (wanted) this.onData(data);
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
