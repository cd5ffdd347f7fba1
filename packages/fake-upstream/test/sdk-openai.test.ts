// The official OpenAI SDK against the fake's OpenAI, Groq and Cerebras mounts: chat (plain, raw
// stream with include_usage, the stream helper), Responses (plain, streamed), embeddings, errors.
import OpenAI, { type APIError } from "openai";
import { describe, expect, it } from "vitest";
import { FAKE_KEYS, TOKENS_PER_EVENT, replyText, splitReply } from "../src/index.js";
import { useFake } from "./helpers.js";

const ctx = useFake();
const openai = (key: string = FAKE_KEYS.openai) =>
  new OpenAI({ apiKey: key, baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 });
const messages = [{ role: "user" as const, content: "Say hello" }];

describe("OpenAI SDK: chat completions", () => {
  it("parses a plain completion with usage and cached tokens", async () => {
    const res = await openai().chat.completions.create(
      { model: "gpt-4o-mini", messages },
      { headers: { "x-fake-usage": "input=100,output=20,cache_read=50" } },
    );
    expect(res.object).toBe("chat.completion");
    expect(res.model).toBe("gpt-4o-mini");
    expect(res.choices[0]?.message.content).toBe(replyText());
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 });
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(50);
    expect(ctx.fake.records[0]!.headers["authorization"]).toBe(`Bearer ${FAKE_KEYS.openai}`);
  });

  it("streams chunks and, with include_usage, a final usage chunk with empty choices", async () => {
    const stream = await openai().chat.completions.create({
      model: "gpt-4o-mini",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const texts = chunks.map((c) => c.choices[0]?.delta.content).filter((t) => t);
    expect(texts).toEqual(splitReply(5));
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBe(5 * TOKENS_PER_EVENT);
    expect(last.usage?.prompt_tokens).toBe(Math.ceil(ctx.fake.records[0]!.bodyLength / 4));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("omits usage entirely without include_usage", async () => {
    const stream = await openai().chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
  });

  it("works with the SDK's stream helper (finalChatCompletion)", async () => {
    const stream = openai().chat.completions.stream({
      model: "gpt-4o-mini",
      messages,
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(replyText());
    expect(final.usage?.completion_tokens).toBe(5 * TOKENS_PER_EVENT);
  });

  it("throws RateLimitError for 429 (with retry-after-ms) and APIError for an in-stream error chunk", async () => {
    const limited = await openai()
      .chat.completions.create(
        { model: "gpt-4o-mini", messages },
        { headers: { "x-fake-fault": "status=429,retry-after-ms=250" } },
      )
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as APIError).code).toBe("rate_limit_exceeded");
    expect((limited as APIError).headers?.get("retry-after-ms")).toBe("250");

    const stream = await openai().chat.completions.create(
      { model: "gpt-4o-mini", messages, stream: true },
      { headers: { "x-fake-fault": "in-stream-overload=3" } },
    );
    const seen: string[] = [];
    const err = await (async () => {
      for await (const c of stream) if (c.choices[0]?.delta.content) seen.push(c.choices[0].delta.content);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as APIError).message).toContain("overloaded");
    expect((err as APIError).type).toBe("server_error");
    expect(seen).toEqual(splitReply(5).slice(0, 3));
  });

  it("rejects a wrong key with AuthenticationError carrying invalid_api_key", async () => {
    const err = await openai("sk-wrong-key-123456789")
      .chat.completions.create({ model: "gpt-4o-mini", messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as APIError).code).toBe("invalid_api_key");
    expect((err as APIError).message).toContain("sk-wrong**********6789");
  });
});

describe("OpenAI SDK: responses, embeddings, models", () => {
  it("parses a plain response: output_text and usage", async () => {
    const res = await openai().responses.create(
      { model: "gpt-4.1", input: "Say hello" },
      { headers: { "x-fake-usage": "input=11,output=4,cache_read=3" } },
    );
    expect(res.output_text).toBe(replyText());
    expect(res.status).toBe("completed");
    expect(res.usage).toMatchObject({ input_tokens: 11, output_tokens: 4, total_tokens: 15 });
    expect(res.usage?.input_tokens_details.cached_tokens).toBe(3);
  });

  it("streams response events, ending in response.completed with usage", async () => {
    const stream = await openai().responses.create({ model: "gpt-4.1", input: "Say hello", stream: true });
    const types: string[] = [];
    const deltas: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === "response.output_text.delta") deltas.push(ev.delta);
      if (ev.type === "response.completed") completed = ev.response;
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(deltas).toEqual(splitReply(5));
    expect(completed?.output_text ?? completed?.output).toBeTruthy();
    expect(completed?.usage?.output_tokens).toBe(5 * TOKENS_PER_EVENT);
  });

  it("works with responses.stream().finalResponse()", async () => {
    const final = await openai().responses.stream({ model: "gpt-4.1", input: "Say hello" }).finalResponse();
    expect(final.output_text).toBe(replyText());
  });

  it("surfaces a Responses in-stream error event as APIError", async () => {
    const stream = await openai().responses.create(
      { model: "gpt-4.1", input: "Say hello", stream: true },
      { headers: { "x-fake-fault": "in-stream-overload=1" } },
    );
    const err = await (async () => {
      for await (const _ of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as APIError).message).toContain("overloaded");
  });

  it("returns embeddings the SDK decodes from base64 (its default) and as floats", async () => {
    const b64 = await openai().embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    expect(b64.data).toHaveLength(2);
    expect(b64.data[0]!.embedding).toHaveLength(1536);
    expect(JSON.parse(ctx.fake.records[0]!.body!).encoding_format).toBe("base64");
    const floats = await openai().embeddings.create({
      model: "text-embedding-3-small",
      input: "a",
      encoding_format: "float",
      dimensions: 8,
    });
    expect(floats.data[0]!.embedding).toHaveLength(8);
    // Same deterministic vector either way (base64 carries float32, floats are printed to 9 digits).
    for (let i = 0; i < 8; i++)
      expect(floats.data[0]!.embedding[i]).toBeCloseTo(b64.data[0]!.embedding[i]!, 6);
  });

  it("lists models", async () => {
    const ids: string[] = [];
    for await (const m of openai().models.list()) ids.push(m.id);
    expect(ids).toContain("gpt-4o-mini");
  });
});

describe("OpenAI SDK against Groq and Cerebras", () => {
  const groq = () =>
    new OpenAI({ apiKey: FAKE_KEYS.groq, baseURL: `${ctx.fake.baseUrls.groq}/openai/v1`, maxRetries: 0 });
  const cerebras = () =>
    new OpenAI({ apiKey: FAKE_KEYS.cerebras, baseURL: `${ctx.fake.baseUrls.cerebras}/v1`, maxRetries: 0 });

  it("Groq: plain and streamed, usage in x_groq on the finishing chunk", async () => {
    const plain = await groq().chat.completions.create({ model: "llama-3.3-70b-versatile", messages });
    expect(plain.choices[0]?.message.content).toBe(replyText());
    const stream = await groq().chat.completions.create({
      model: "llama-3.3-70b-versatile",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: Record<string, unknown>[] = [];
    for await (const c of stream) chunks.push(c as unknown as Record<string, unknown>);
    const xGroq = chunks.map((c) => c["x_groq"] as { usage?: { completion_tokens: number } } | undefined);
    expect(xGroq.find((x) => x?.usage)?.usage?.completion_tokens).toBe(15);
    expect(chunks.at(-1)?.["choices"]).toEqual([]);
    const text = chunks.map(
      (c) => (c["choices"] as { delta?: { content?: string } }[])[0]?.delta?.content ?? "",
    );
    expect(text.join("")).toBe(replyText());
  });

  it("Cerebras: streamed with usage + time_info on the finishing chunk; wrong key is 401", async () => {
    const stream = await cerebras().chat.completions.create({ model: "llama3.1-8b", messages, stream: true });
    const chunks: Record<string, unknown>[] = [];
    for await (const c of stream) chunks.push(c as unknown as Record<string, unknown>);
    const last = chunks.at(-1)!;
    expect(last["time_info"]).toBeTruthy();
    expect((last["usage"] as { completion_tokens: number }).completion_tokens).toBe(15);
    const err = await new OpenAI({
      apiKey: "csk-wrong",
      baseURL: `${ctx.fake.baseUrls.cerebras}/v1`,
      maxRetries: 0,
    }).chat.completions
      .create({ model: "llama3.1-8b", messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
