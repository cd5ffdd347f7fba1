/** Stream resumption holds the text sent so far for the prefill: never more than a bounded amount. */
import { describe, expect, it } from "vitest";
import { anthropicResumer } from "../src/upstream/resume.js";

const encoder = new TextEncoder();
const event = (type: string, data: Record<string, unknown>) =>
  encoder.encode(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
const delta = (text: string) =>
  event("content_block_delta", { index: 0, delta: { type: "text_delta", text } });

/** A resumer whose continuation requests are recorded (and answered with an empty stream). */
function resumer(maxPrefillChars?: number) {
  const sent: string[] = [];
  const send = async (body: Uint8Array) => {
    sent.push(new TextDecoder().decode(body));
    return new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  };
  const request = { model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
  const r = anthropicResumer(request, send, 3, maxPrefillChars);
  r.observe(event("message_start", { message: { usage: { input_tokens: 1 } } }));
  r.observe(event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
  return { r, sent };
}

describe("stream resumption's held text", () => {
  it("resumes with the text so far while it is within the bound", async () => {
    const { r, sent } = resumer(100);
    for (let i = 0; i < 9; i++) r.observe(delta("0123456789"));
    expect(r.estimatedLostOutputTokens()).toBe(23);
    expect(await r.continueAfterBreak()).toBeDefined();
    expect(JSON.parse(sent[0]!).messages.at(-1)).toEqual({
      role: "assistant",
      content: "0123456789".repeat(9),
    });
  });

  it("lets the text go, and does not resume, once it passes the bound", async () => {
    const { r, sent } = resumer(100);
    for (let i = 0; i < 11; i++) r.observe(delta("0123456789"));
    expect(await r.continueAfterBreak()).toBeUndefined();
    expect(sent).toHaveLength(0);
    // The estimate of what the broken part cost still counts every character.
    expect(r.estimatedLostOutputTokens()).toBe(28);
  });

  it("bounds it by default, far above any model's answer", async () => {
    const { r, sent } = resumer();
    const piece = "x".repeat(64 * 1024);
    for (let i = 0; i < 64; i++) r.observe(delta(piece)); // 4 Mi characters: still resumable
    expect(await r.continueAfterBreak()).toBeDefined();
    const more = resumer();
    for (let i = 0; i < 65; i++) more.r.observe(delta(piece));
    expect(await more.r.continueAfterBreak()).toBeUndefined();
    expect(sent).toHaveLength(1);
  });
});
