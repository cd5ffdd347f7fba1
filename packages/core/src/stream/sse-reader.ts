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
/**
 * The most text one event may hold (4 Mi characters, 8 MB of memory; no provider's event comes near it:
 * the largest, a Responses API `response.completed`, repeats one answer). A longer one is dropped unread, so a
 * hostile upstream cannot make the reader hold a stream's worth of text. Usage it held is then unknown, and
 * the call settles as one whose usage is incomplete.
 */
export const MAX_EVENT_CHARS = 4 * 1024 * 1024;
const LINE_END = /[\r\n]/;

export class SseReader {
  private readonly decoder = new TextDecoder();
  private pending = "";
  private data: string[] = [];
  /** Characters in `data`; past MAX_EVENT_CHARS the event is `oversized` and dropped. */
  private dataChars = 0;
  private oversized = false;
  /** The unfinished line in `pending` went past MAX_EVENT_CHARS: drop text until its line ends. */
  private discarding = false;
  /**
   * The rest of a long unfinished line, piece by piece after `pending`: joined once, when the line ends
   * (appending to one string would make V8 copy the whole line again on every chunk it searches).
   */
  private tail: string[] = [];
  private tailChars = 0;

  /** `filter` picks which events' data to hand on; the default skips those that cannot hold usage or errors. */
  private readonly filter: RegExp | null;

  constructor(
    private readonly onData: (data: string) => void,
    filter: RegExp | null = INTERESTING,
    /** Called for each event dropped for being longer than MAX_EVENT_CHARS. */
    private readonly onOversized?: () => void,
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
    this.joinTail();
    if (this.discarding) {
      // The stream ended inside the dropped line: its event is dropped whole.
      this.discarding = false;
      this.oversized = true;
    }
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
    if (this.discarding) {
      const at = text.search(LINE_END);
      if (at < 0) return;
      // The dropped line's end stays (a comment line in its place), so the lines after it parse as before.
      this.discarding = false;
      this.oversized = true;
      text = `:${text.slice(at)}`;
    } else if (
      (this.tail.length > 0 || (this.pending.length > SKIM_LIMIT && !this.pending.endsWith("\r"))) &&
      !LINE_END.test(text)
    ) {
      // A long unfinished line (past SKIM_LIMIT, so `pending` is that line alone) grows without being
      // rescanned on every chunk: only the new text is searched for its end.
      this.tail.push(text);
      this.tailChars += text.length;
      // The event's data so far counts too: an event never holds more than the limit, whatever its shape.
      if (this.dataChars + this.pending.length + this.tailChars > MAX_EVENT_CHARS) {
        this.pending = "";
        this.tail = [];
        this.tailChars = 0;
        this.discarding = true;
      }
      return;
    }
    this.joinTail();
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

  private joinTail(): void {
    if (this.tail.length === 0) return;
    this.pending += this.tail.join("");
    this.tail = [];
    this.tailChars = 0;
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
    else if (line.startsWith("data:") && !this.oversized) {
      this.dataChars += line.length;
      if (this.dataChars > MAX_EVENT_CHARS) {
        this.oversized = true;
        this.data = [];
      } else this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    }
  }

  private dispatch(): void {
    this.dataChars = 0;
    if (this.oversized) {
      this.oversized = false;
      this.data = [];
      this.onOversized?.();
      return;
    }
    if (this.data.length === 0) return;
    const data = this.data.length === 1 ? this.data[0]! : this.data.join("\n");
    this.data = [];
    const wanted = this.filter === INTERESTING ? interesting(data) : !this.filter || this.filter.test(data);
    if (wanted) this.onData(data);
  }
}

/**
 * A reader that hands on every event's data parsed as a JSON object; data that is not JSON (OpenAI's
 * `[DONE]`) goes to `onText`, if given. An event too long to read becomes an error event, in a shape both
 * Anthropic's stream (`type: "error"`) and OpenAI's (`error`) readers recognise, so what is re-encoded for a
 * client (a translated or resumed stream) says that something was lost instead of silently missing it.
 */
export function jsonEventReader(
  onEvent: (event: Record<string, unknown>) => void,
  onText?: (data: string) => void,
): SseReader {
  const oversized = () =>
    onEvent({
      type: "error",
      error: {
        type: "api_error",
        message: `The upstream sent a stream event longer than ${MAX_EVENT_CHARS} characters; it was dropped.`,
      },
    });
  return new SseReader(
    (data) => {
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        onText?.(data);
        return;
      }
      if (typeof event === "object" && event !== null) onEvent(event as Record<string, unknown>);
    },
    null,
    oversized,
  );
}
