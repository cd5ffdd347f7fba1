// The official @google/genai SDK against the fake: generateContent, generateContentStream (which
// uses alt=sse), countTokens, models.list, and typed ApiError for HTTP and in-stream errors.
import { ApiError, GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { FAKE_KEYS, TOKENS_PER_EVENT, replyText, splitReply } from "../src/index.js";
import { useFake } from "./helpers.js";

const ctx = useFake();
const ai = (apiKey: string = FAKE_KEYS.gemini, headers: Record<string, string> = {}) =>
  new GoogleGenAI({ apiKey, httpOptions: { baseUrl: ctx.fake.baseUrls.gemini, headers } });
const model = "gemini-2.5-flash";

describe("@google/genai against the fake", () => {
  it("parses generateContent: text, usage, model echo from the URL", async () => {
    const res = await ai(FAKE_KEYS.gemini, {
      "x-fake-usage": "input=30,output=9,cache_read=12",
    }).models.generateContent({
      model,
      contents: "Say hello",
    });
    expect(res.text).toBe(replyText());
    expect(res.modelVersion).toBe(model);
    expect(res.usageMetadata).toMatchObject({
      promptTokenCount: 30,
      candidatesTokenCount: 9,
      totalTokenCount: 39,
      cachedContentTokenCount: 12,
    });
    const rec = ctx.fake.records[0]!;
    // @google/genai 3.x defaults to apiVersion "v1"; the fake serves v1 and v1beta alike.
    expect(rec.path).toBe(`/gemini/v1/models/${model}:generateContent`);
    expect(rec.headers["x-goog-api-key"]).toBe(FAKE_KEYS.gemini);
  });

  it("streams with generateContentStream over alt=sse; the last chunk has the full usage", async () => {
    const chunks = [];
    for await (const c of await ai().models.generateContentStream({ model, contents: "Say hello" }))
      chunks.push(c);
    expect(chunks.map((c) => c.text)).toEqual(splitReply(5));
    const last = chunks.at(-1)!;
    expect(last.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last.usageMetadata?.candidatesTokenCount).toBe(5 * TOKENS_PER_EVENT);
    expect(last.usageMetadata?.promptTokenCount).toBe(Math.ceil(ctx.fake.records[0]!.bodyLength / 4));
    expect(ctx.fake.records[0]!.query["alt"]).toBe("sse");
  });

  it("counts tokens and lists models", async () => {
    const count = await ai(FAKE_KEYS.gemini, { "x-fake-usage": "input=77" }).models.countTokens({
      model,
      contents: "Say hello",
    });
    expect(count.totalTokens).toBe(77);
    const names: string[] = [];
    for await (const m of await ai().models.list()) names.push(m.name ?? "");
    expect(names).toContain("models/gemini-2.5-flash");
  });

  it("surfaces HTTP errors as ApiError with the status", async () => {
    const err = await ai(FAKE_KEYS.gemini, { "x-fake-fault": "status=503" })
      .models.generateContent({ model, contents: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect((err as ApiError).message).toContain("UNAVAILABLE");
    const limited = await ai(FAKE_KEYS.gemini, { "x-fake-fault": "status=429,retry-after=37" })
      .models.generateContent({ model, contents: "x" })
      .catch((e: unknown) => e);
    expect((limited as ApiError).status).toBe(429);
    expect((limited as ApiError).message).toContain('"retryDelay":"37s"');
  });

  it("surfaces an in-stream error frame as ApiError after the first chunks", async () => {
    const seen: string[] = [];
    const err = await (async () => {
      const stream = await ai(FAKE_KEYS.gemini, {
        "x-fake-fault": "in-stream-overload=2",
      }).models.generateContentStream({ model, contents: "Say hello" });
      for await (const c of stream) seen.push(c.text ?? "");
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect(seen).toEqual(splitReply(5).slice(0, 2));
  });

  it("rejects a wrong key the way Google does: 400 INVALID_ARGUMENT / API_KEY_INVALID", async () => {
    const err = await ai("AIzaWrong")
      .models.generateContent({ model, contents: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toContain("API_KEY_INVALID");
  });
});
