// The official Anthropic SDK, pointed straight at the fake, must parse every reply and surface
// every scripted error as its own typed error. If the fake drifts from the wire format, these fail.
import Anthropic, { type APIError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { FAKE_KEYS, TOKENS_PER_EVENT, replyText, splitReply } from "../src/index.js";
import { useFake } from "./helpers.js";

const ctx = useFake();
const client = (key: string = FAKE_KEYS.anthropic) =>
  new Anthropic({ apiKey: key, baseURL: ctx.fake.baseUrls.anthropic, maxRetries: 0 });
const params = {
  model: "claude-sonnet-5",
  max_tokens: 256,
  messages: [{ role: "user" as const, content: "Say hello" }],
};

describe("Anthropic SDK against the fake", () => {
  it("parses a plain message: text, model echo, usage from the body size", async () => {
    const msg = await client().messages.create(params);
    const rec = ctx.fake.records[0]!;
    expect(msg.model).toBe(params.model);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.content).toHaveLength(1);
    expect(msg.content[0]).toMatchObject({ type: "text", text: replyText() });
    expect(msg.usage.input_tokens).toBe(Math.ceil(rec.bodyLength / 4));
    expect(msg.usage.output_tokens).toBe(5 * TOKENS_PER_EVENT);
    expect(rec.headers["authorization"]).toBe(`Bearer ${FAKE_KEYS.anthropic}`);
  });

  it("honours x-fake-usage including cache fields, and x-fake-events", async () => {
    const { data: msg, response } = await client()
      .messages.create(params, {
        headers: { "x-fake-usage": "input=100,output=20,cache_read=50,cache_write=10", "x-fake-events": "3" },
      })
      .withResponse();
    expect(msg.usage).toMatchObject({
      input_tokens: 100,
      output_tokens: 20,
      cache_read_input_tokens: 50,
      cache_creation_input_tokens: 10,
    });
    expect(response.headers.get("request-id")).toMatch(/^req_011C/);
    expect(response.headers.get("anthropic-ratelimit-requests-remaining")).toBe("3999");
  });

  it("streams through messages.stream(): text events and finalMessage() with usage", async () => {
    const texts: string[] = [];
    const stream = client().messages.stream(params, { headers: { "x-fake-usage": "input=42,output=7" } });
    stream.on("text", (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(texts).toEqual(splitReply(5));
    expect(final.content[0]).toMatchObject({ type: "text", text: replyText() });
    expect(final.usage.input_tokens).toBe(42);
    expect(final.usage.output_tokens).toBe(7);
    expect(final.stop_reason).toBe("end_turn");
  });

  it("streams raw events in the documented order", async () => {
    const stream = await client().messages.create({ ...params, stream: true });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      ...Array(5).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("surfaces 529 as OverloadedError and 429 as RateLimitError with retry-after", async () => {
    const overloaded = await client()
      .messages.create(params, { headers: { "x-fake-fault": "status=529" } })
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect((overloaded as APIError).status).toBe(529);
    expect((overloaded as APIError).type).toBe("overloaded_error");
    expect((overloaded as APIError).requestID).toMatch(/^req_/);

    const limited = await client()
      .messages.create(params, { headers: { "x-fake-fault": "status=429,retry-after=7" } })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as APIError).headers?.get("retry-after")).toBe("7");
    expect((limited as APIError).type).toBe("rate_limit_error");

    const server = await client()
      .messages.create(params, { headers: { "x-fake-fault": "status=500" } })
      .catch((e: unknown) => e);
    expect(server).toBeInstanceOf(Anthropic.InternalServerError);
    expect((server as APIError).type).toBe("api_error");
  });

  it("surfaces the in-stream overloaded_error event as an APIError after the first deltas", async () => {
    const texts: string[] = [];
    const stream = client().messages.stream(params, { headers: { "x-fake-fault": "in-stream-overload=2" } });
    stream.on("text", (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as APIError).type).toBe("overloaded_error");
    expect((err as APIError).message).toContain("Overloaded");
    expect(texts).toEqual(splitReply(5).slice(0, 2));
  });

  it("fails once then succeeds with times=1,id=…", async () => {
    const fault = { headers: { "x-fake-fault": "status=529,times=1,id=anthropic-once" } };
    await expect(client().messages.create(params, fault)).rejects.toBeInstanceOf(Anthropic.OverloadedError);
    const ok = await client().messages.create(params, fault);
    expect(ok.content[0]).toMatchObject({ text: replyText() });
  });

  it("rejects a wrong key with AuthenticationError", async () => {
    const err = await client("sk-ant-wrong")
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as APIError).type).toBe("authentication_error");
  });

  it("counts tokens and lists models", async () => {
    const count = await client().messages.countTokens(params, { headers: { "x-fake-usage": "input=1234" } });
    expect(count.input_tokens).toBe(1234);
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids).toContain("claude-sonnet-5");
  });
});
