/** The scrubber: every occurrence of every secret replaced, in text, bytes and streams split at any byte. */
import { describe, expect, it } from "vitest";
import { REDACTED, redactor } from "../src/stream/redact.js";

const KEY = "sk-ant-operator-0123456789abcdef";
const OTHER = "sk-pool-member-ZYXWVUTSRQ";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function throughStream(text: string, cuts: number[]): Promise<string[]> {
  const bytes = encoder.encode(text);
  const bounds = [0, ...cuts, bytes.byteLength];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i + 1 < bounds.length; i++) controller.enqueue(bytes.slice(bounds[i], bounds[i + 1]));
      controller.close();
    },
  }).pipeThrough(redactor([KEY, OTHER]).stream());
  const out: string[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) out.push(decoder.decode(chunk));
  return out;
}

describe("redactor", () => {
  const text = `{"error":"bad key ${KEY}; also ${OTHER} and ${KEY}","ok":"sk-ant-operator-01 is not it"}`;
  const expected = text.split(KEY).join(REDACTED).split(OTHER).join(REDACTED);

  it("replaces every occurrence in text and bytes; leaves clean input as the same array", () => {
    const scrub = redactor([KEY, OTHER, undefined, "short"]);
    expect(scrub.text(text)).toBe(expected);
    expect(decoder.decode(scrub.bytes(encoder.encode(text)))).toBe(expected);
    const clean = encoder.encode("nothing secret here, not even short");
    expect(scrub.bytes(clean)).toBe(clean);
    expect(scrub.holds(text)).toBe(true);
  });

  it("catches a key split across chunks at every byte, and no chunk ever carries the key", async () => {
    const start = text.indexOf(KEY);
    for (let cut = start - 1; cut <= start + KEY.length + 1; cut++) {
      for (const second of [cut + 3, cut + 11]) {
        const chunks = await throughStream(
          text,
          [cut, second].filter((c) => c > 0 && c < text.length),
        );
        expect(chunks.join(""), `cuts at ${cut}, ${second}`).toBe(expected);
        for (const chunk of chunks) expect(chunk).not.toContain(KEY);
      }
    }
  });

  it("flushes a held tail that never became a key", async () => {
    const chunks = await throughStream("ends with sk-ant-oper", [12]);
    expect(chunks.join("")).toBe("ends with sk-ant-oper");
  });
});
