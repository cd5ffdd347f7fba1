/** The pass-through SSE reader: every event's data, however the bytes are split and whatever the line ends. */
import { describe, expect, it } from "vitest";
import { jsonEventReader, MAX_EVENT_CHARS, SseReader } from "../src/stream/sse-reader.js";
import { openAiToAnthropicStream } from "../src/translate/responses.js";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `chunks` to a reader, ends it, and returns every data payload it handed on. */
function collect(chunks: Uint8Array[]): string[] {
  const seen: string[] = [];
  const reader = new SseReader((data) => seen.push(data));
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return seen;
}

/** Splits at every position into two chunks, plus once as single bytes: all must read the same. */
function everySplit(text: string): Uint8Array[][] {
  const all = bytes(text);
  const splits: Uint8Array[][] = [];
  for (let i = 0; i <= all.byteLength; i++) splits.push([all.subarray(0, i), all.subarray(i)]);
  splits.push(Array.from(all, (b) => Uint8Array.of(b)));
  return splits;
}

// Multi-byte characters (2, 3 and 4 bytes in UTF-8) so some splits fall inside a character.
const EVENTS = [
  `{"type":"message_start","message":{"usage":{"input_tokens":7}},"t":"é"}`,
  `{"type":"message_delta","usage":{"output_tokens":3},"t":"日本"}`,
  `{"usage":{"total":1},"t":"🙂"}`,
];

describe("SseReader", () => {
  for (const [name, eol] of [
    ["\\n", "\n"],
    ["\\r\\n", "\r\n"],
    ["\\r", "\r"],
  ] as const) {
    it(`reads every event with ${name} line ends, split at every byte boundary`, () => {
      const text = EVENTS.map((data, i) => `event: e${i}${eol}data: ${data}${eol}${eol}`).join("");
      for (const chunks of everySplit(text)) expect(collect(chunks)).toEqual(EVENTS);
    });
  }

  it("does not let a \\r\\n split across two chunks end the event early", () => {
    // Were the \r and \n seen as two line ends, the blank line between them would dispatch "a" alone.
    const seen = collect([bytes('data: {"usage":"a"}\r'), bytes('\ndata: {"usage":"b"}\r\n\r\n')]);
    expect(seen).toEqual(['{"usage":"a"}\n{"usage":"b"}']);
  });

  it("joins multi-line data with \\n, with every line-end style and split", () => {
    const text = 'data: {"usage":\r\ndata:  {"a":1},\rdata:"b":2}\n\n';
    const expected = ['{"usage":\n {"a":1},\n"b":2}'];
    for (const chunks of everySplit(text)) expect(collect(chunks)).toEqual(expected);
  });

  it("strips exactly one space after data:, ignores comments and other fields", () => {
    const text = ': ping\nid: 5\nretry: 100\nevent: x\ndata:{"usage":1}\n\ndata:   {"usage":2}\n\n';
    expect(collect([bytes(text)])).toEqual(['{"usage":1}', '  {"usage":2}']);
  });

  it("dispatches a last event that has no trailing blank line, whatever its line end", () => {
    for (const tail of ["", "\n", "\r\n", "\r"]) {
      expect(collect([bytes(`data: {"usage":9}${tail}`)]), JSON.stringify(tail)).toEqual(['{"usage":9}']);
    }
  });

  it("hands on only events that may carry usage or an error", () => {
    const text = [
      'data: {"choices":[{"delta":{"content":"hi"}}]}',
      "data: [DONE]",
      'data: {"type":"error","error":{"type":"overloaded_error"}}',
      'data: {"type":"response.completed","response":{}}',
      'data: {"usageMetadata":{"promptTokenCount":1}}',
    ]
      .map((line) => `${line}\n\n`)
      .join("");
    expect(collect([bytes(text)])).toEqual([
      '{"type":"error","error":{"type":"overloaded_error"}}',
      '{"type":"response.completed","response":{}}',
      '{"usageMetadata":{"promptTokenCount":1}}',
    ]);
  });

  it("skims uninteresting events unparsed yet hands on the same events, however the stream is cut", () => {
    // Text deltas mixed with events that carry usage or an error, an event with two data lines, a comment,
    // an unfinished last event: the skimming path must agree with a reader that parses every line.
    const delta = (t: string) =>
      `event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"${t}"}}\n\n`;
    const text = [
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":7}}}\n\n',
      delta("é"),
      delta("日本"),
      ": keep-alive\n\n",
      delta("🙂"),
      'data: {"type":"message_delta",\ndata: "usage":{"output_tokens":3}}\n\n',
      delta("an error-free word"),
      delta("plain"),
      'data: {"usage":{"total":1}}',
    ].join("");
    const everything: string[] = [];
    const all = new SseReader((data) => everything.push(data), null);
    all.push(bytes(text));
    all.end();
    const expected = everything.filter((data) => /usage|error/.test(data));
    expect(expected).toHaveLength(4);
    for (const chunks of everySplit(text)) expect(collect(chunks)).toEqual(expected);
    // Three-way cuts too, so an event can span three chunks.
    const whole = bytes(text);
    for (let i = 0; i < whole.byteLength; i += 7)
      for (let j = i; j <= whole.byteLength; j += 11)
        expect(collect([whole.subarray(0, i), whole.subarray(i, j), whole.subarray(j)])).toEqual(expected);
  });

  it("finds the wanted events in reads far larger than one event, however they are cut", () => {
    // The native observer reads up to 64 KB at a time: whole runs of text deltas with, here and there, an
    // event that carries usage or an error. Every cut must hand on what a reader parsing every line does.
    const delta = (i: number) =>
      `event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"${"lorem ".repeat(20)}${i}"}}\n\n`;
    const parts: string[] = [
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":7}}}\n\n',
    ];
    for (let i = 0; i < 2000; i++) {
      parts.push(delta(i));
      if (i === 700) parts.push('data: {"type":"ping",\ndata: "usage":{"n":1}}\n\n');
      if (i === 1400) parts.push(': comment\nevent: error\ndata: {"type":"error"}\n\n');
    }
    parts.push('data: {"type":"message_delta","usage":{"output_tokens":3}}\n\ndata: {"usage":{"tail":1}}');
    const text = parts.join("");
    expect(text.length).toBeGreaterThan(4 * 64 * 1024);
    const everything: string[] = [];
    const all = new SseReader((data) => everything.push(data), null);
    all.push(bytes(text));
    all.end();
    const expected = everything.filter((data) => /usage|error/.test(data));
    expect(expected).toHaveLength(5);
    const whole = bytes(text);
    for (const size of [whole.byteLength, 64 * 1024, 70_001, 4093, 1000]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < whole.byteLength; i += size) chunks.push(whole.subarray(i, i + size));
      expect(collect(chunks), `cut every ${size} bytes`).toEqual(expected);
    }
  });

  it("hands on every event when every event is wanted, from one large read or many", () => {
    // Gemini puts usageMetadata in every chunk.
    const events = Array.from(
      { length: 3000 },
      (_, i) => `{"candidates":[{"content":{"parts":[{"text":"t${i}"}]}}],"usageMetadata":{"n":${i}}}`,
    );
    const whole = bytes(events.map((data) => `data: ${data}\n\n`).join(""));
    expect(collect([whole])).toEqual(events);
    const halves = [whole.subarray(0, 100_003), whole.subarray(100_003)];
    expect(collect(halves)).toEqual(events);
  });

  it("searches a custom filter through large reads too", () => {
    const seen: string[] = [];
    const reader = new SseReader((data) => seen.push(data), /"keep"/);
    const text = Array.from(
      { length: 5000 },
      (_, i) => `data: {"n":${i}${i % 999 === 0 ? ',"keep":1' : ""}}\n\n`,
    );
    reader.push(bytes(text.join("")));
    reader.end();
    expect(seen).toEqual([0, 999, 1998, 2997, 3996, 4995].map((i) => `{"n":${i},"keep":1}`));
  });

  it('skips OpenAI-style "usage": null chunks and hands on the one with numbers', () => {
    // With stream_options.include_usage every chunk carries "usage": null (compact, or pretty as Groq sends
    // it); only the last has numbers. A "usage" that is not a JSON null key still counts.
    const chunk = (usage: string) =>
      `data: {"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}],${usage}}\n\n`;
    const text = [
      chunk('"usage":null'),
      chunk('"usage": null'),
      chunk('"usage" :  null'),
      chunk('"x":"the usage: null"'),
      chunk('"usageMetadata":null'),
      'data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\n\n',
      "data: [DONE]\n\n",
    ].join("");
    const expected = [
      '{"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}],"x":"the usage: null"}',
      '{"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}],"usageMetadata":null}',
      '{"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}',
    ];
    for (const chunks of everySplit(text)) expect(collect(chunks)).toEqual(expected);
    // The same with \r\n line ends, which go line by line: the same events.
    expect(collect([bytes(text.replace(/\n/g, "\r\n"))])).toEqual(expected);
  });

  it("tests a custom filter on whole events: anchors, empty matches and a global flag behave as on one event", () => {
    const run = (filter: RegExp, text: string) => {
      const seen: string[] = [];
      const reader = new SseReader((data) => seen.push(data), filter);
      reader.push(bytes(text));
      reader.end();
      return seen;
    };
    // An empty match at the last line end once looped forever; an anchor past the last event dropped it.
    expect(run(/(?:)/, "data: a\n\n\n")).toEqual(["a"]);
    expect(run(/x*/, "data: a\n\ndata: b\n\n\n")).toEqual(["a", "b"]);
    expect(run(/$/, "data: a\n\n")).toEqual(["a"]);
    expect(run(/^/, "data: a\n\ndata: b\n\n")).toEqual(["a", "b"]);
    // A global filter's position does not carry from one event to the next.
    expect(run(/keep/g, "data: xxkeep\n\ndata: no\n\ndata: keep\n\n")).toEqual(["xxkeep", "keep"]);
  });

  describe("an event longer than MAX_EVENT_CHARS (a hostile upstream)", () => {
    const huge = MAX_EVENT_CHARS + 1000;
    const usage = `{"type":"message_delta","usage":{"output_tokens":3}}`;
    /** Feeds `text` in `size`-byte chunks; returns what was handed on and the most text the reader held. */
    function feed(parts: string[], size: number) {
      const seen: string[] = [];
      const reader = new SseReader((data) => seen.push(data));
      let held = 0;
      for (const part of parts) {
        const all = bytes(part);
        for (let i = 0; i < all.byteLength; i += size) {
          reader.push(all.subarray(i, i + size));
          const state = reader as unknown as { pending: string; data: string[]; tail: string[] };
          const chars = (parts: string[]) => parts.reduce((n, part) => n + part.length, 0);
          held = Math.max(held, state.pending.length + chars(state.data) + chars(state.tail));
        }
      }
      reader.end();
      return { seen, held };
    }

    for (const eol of ["\n", "\r\n"]) {
      it(`is dropped unread, holding no more than the limit, and the events after it still count (${JSON.stringify(eol)})`, () => {
        const before = `data: ${usage}${eol}${eol}`;
        const line = `data: {"usage":"${"x".repeat(huge)}"}${eol}${eol}`;
        const { seen, held } = feed([before, line, before], 64 * 1024);
        expect(seen).toEqual([usage, usage]);
        expect(held).toBeLessThanOrEqual(MAX_EVENT_CHARS + 64 * 1024);
      });
    }

    it("is dropped when its many data lines add up past the limit", () => {
      const line = `data: ${"y".repeat(1000)} usage\n`;
      // Each line holds over 1,000 characters: this many add up to more than the limit.
      const event = `${line.repeat(Math.ceil(huge / 1000))}\n`;
      const { seen, held } = feed([event, `data: ${usage}\n\n`], 4096);
      expect(seen).toEqual([usage]);
      expect(held).toBeLessThanOrEqual(MAX_EVENT_CHARS + 4096);
    });

    it("holds no more than the limit when many data lines are followed by one long unfinished line", () => {
      const line = `data: ${"v".repeat(1000)}\n`;
      const event = `${line.repeat(Math.floor(MAX_EVENT_CHARS / 2 / 1000))}data: ${"w".repeat(MAX_EVENT_CHARS)}\n\n`;
      const { seen, held } = feed([event, `data: ${usage}\n\n`], 64 * 1024);
      expect(seen).toEqual([usage]);
      expect(held).toBeLessThanOrEqual(MAX_EVENT_CHARS + 64 * 1024);
    });

    it("is dropped when the stream ends inside it", () => {
      const { seen } = feed([`data: ${usage}\n\n`, `data: ${usage}\ndata: ${"z".repeat(huge)}`], 64 * 1024);
      expect(seen).toEqual([usage]);
    });

    it("a long line under the limit, cut into small chunks, is still read whole", () => {
      const data = `{"usage":{"output_tokens":9},"text":"${"w".repeat(1024 * 1024)}"}`;
      const { seen } = feed([`data: ${data}\n\n`, `data: ${usage}\n\n`], 1000);
      expect(seen).toEqual([data, usage]);
    });
  });

  it("an oversized event in a re-encoded stream (translated, resumed) becomes an error event, not a silent gap", async () => {
    const events: Record<string, unknown>[] = [];
    const reader = jsonEventReader((event) => events.push(event));
    reader.push(bytes(`data: {"a":1}\n\ndata: {"b":"${"x".repeat(MAX_EVENT_CHARS)}"}\n\ndata: {"c":3}\n\n`));
    reader.end();
    expect(events.map((e) => Object.keys(e)[0])).toEqual(["a", "type", "c"]);
    expect(events[1]).toMatchObject({ type: "error", error: { type: "api_error" } });

    // An OpenAI upstream's chunk that long, translated for an Anthropic client: the client gets an error event.
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: "c1", choices: [{ index: 0, delta: { content } }] })}\n\n`;
    const upstream = new Response(`${chunk("Hello")}${chunk("y".repeat(MAX_EVENT_CHARS))}data: [DONE]\n\n`);
    const text = await new Response(upstream.body!.pipeThrough(openAiToAnthropicStream("claude-x"))).text();
    expect(text).toContain('"text":"Hello"');
    expect(text).toContain("event: error");
    expect(text).toContain("longer than");
  });
});
