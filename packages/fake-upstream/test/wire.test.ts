// Byte-level checks of what SDKs are lenient about: line endings, framing, error bodies, headers.
import { describe, expect, it } from "vitest";
import { FAKE_KEYS, replyText, splitReply } from "../src/index.js";
import { json, raw, useFake } from "./helpers.js";

const ctx = useFake();
const anthropicHeaders = { "x-api-key": FAKE_KEYS.anthropic, "content-type": "application/json" };
const bearer = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
const geminiBody = json({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });

describe("Gemini framing", () => {
  it('alt=sse: `data: …\\r\\n\\r\\n` frames in Google\'s `"key": value` layout', async () => {
    const url = `${ctx.fake.baseUrls.gemini}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`;
    const res = await raw(url, { headers: { "x-goog-api-key": FAKE_KEYS.gemini }, body: geminiBody });
    expect(res.headers["content-type"]).toBe("text/event-stream");
    expect(res.headers["content-disposition"]).toBe("attachment");
    const frames = res.text.split("\r\n\r\n");
    expect(frames.pop()).toBe("");
    expect(frames).toHaveLength(5);
    for (const f of frames) {
      expect(f.startsWith('data: {"candidates": [{"content": {"parts": [{"text": ')).toBe(true);
      expect(f).not.toContain("\n");
      expect(f).not.toMatch(/", "/); // members are joined by "," with no space
    }
    const parsed = frames.map((f) => JSON.parse(f.slice(6)));
    expect(parsed.map((p) => p.candidates[0].content.parts[0].text).join("")).toBe(replyText());
    expect(parsed.at(-1).candidates[0].finishReason).toBe("STOP");
    expect(parsed[0].candidates[0].finishReason).toBeUndefined();
  });

  it("without alt=sse: one JSON array, elements joined by \\n,\\r\\n, closed by \\n]", async () => {
    const url = `${ctx.fake.baseUrls.gemini}/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=${FAKE_KEYS.gemini}`;
    const res = await raw(url, { body: geminiBody, headers: { "x-fake-events": "3" } });
    expect(res.headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(res.text.startsWith('[{\n  "candidates": [')).toBe(true);
    expect(res.text.endsWith("}\n]")).toBe(true);
    expect(res.text.split("\n,\r\n{")).toHaveLength(3);
    const arr = JSON.parse(res.text);
    expect(
      arr.map(
        (c: { candidates: { content: { parts: { text: string }[] } }[] }) =>
          c.candidates[0]!.content.parts[0]!.text,
      ),
    ).toEqual(splitReply(3));
  });

  it("plain generateContent is 2-space pretty JSON with a trailing newline", async () => {
    const url = `${ctx.fake.baseUrls.gemini}/v1beta/models/gemini-2.5-flash:generateContent`;
    const res = await raw(url, { headers: { "x-goog-api-key": FAKE_KEYS.gemini }, body: geminiBody });
    expect(res.headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(res.headers["vary"]).toBe("Origin, X-Origin, Referer");
    expect(res.text).toBe(`${JSON.stringify(JSON.parse(res.text), null, 2)}\n`);
  });

  it("errors: missing key 403, wrong key 400 API_KEY_INVALID, 429 carries RetryInfo (no header), unknown 404", async () => {
    const base = `${ctx.fake.baseUrls.gemini}/v1beta/models/gemini-2.5-flash:generateContent`;
    const missing = await raw(base, { body: geminiBody });
    expect(missing.status).toBe(403);
    expect(JSON.parse(missing.text).error.status).toBe("PERMISSION_DENIED");
    const wrong = await raw(`${base}?key=nope`, { body: geminiBody });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.text).error.details[0].reason).toBe("API_KEY_INVALID");
    const limited = await raw(base, {
      body: geminiBody,
      headers: { "x-goog-api-key": FAKE_KEYS.gemini, "x-fake-fault": "status=429,retry-after=12" },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBeUndefined();
    const err = JSON.parse(limited.text).error;
    expect(err).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(err.details.at(-1)).toEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "12s",
    });
    const unknown = await raw(`${ctx.fake.baseUrls.gemini}/v1beta/nothing`, { body: geminiBody });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error).toMatchObject({ code: 404, status: "NOT_FOUND" });
  });
});

describe("Anthropic framing and errors", () => {
  const url = () => `${ctx.fake.baseUrls.anthropic}/v1/messages`;
  const body = json({ model: "claude-sonnet-5", max_tokens: 10, stream: true, messages: [] });

  it("uses event:/data: frames, the spaced ping, and padded but valid JSON", async () => {
    const res = await raw(url(), { headers: anthropicHeaders, body });
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.headers["request-id"]).toMatch(/^req_011C[1-9A-HJ-NP-Za-km-z]{20}$/);
    const frames = res.text.split("\n\n").filter(Boolean);
    expect(frames[2]).toBe('event: ping\ndata: {"type": "ping"}');
    for (const f of frames) {
      const [ev, data] = f.split("\n");
      expect(ev).toMatch(/^event: [a-z_]+$/);
      expect(JSON.parse(data!.slice(6)).type).toBe(ev!.slice(7));
    }
    expect(frames.some((f) => / +\}$/.test(f))).toBe(true);
  });

  it("status faults use the documented error types and request_id; 529 body is exact", async () => {
    const res = await raw(url(), { headers: { ...anthropicHeaders, "x-fake-fault": "status=529" }, body });
    expect(res.status).toBe(529);
    const parsed = JSON.parse(res.text);
    expect(res.text).toBe(
      `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"${parsed.request_id}"}`,
    );
    expect(res.headers["request-id"]).toBe(parsed.request_id);
    for (const [status, type] of [
      [400, "invalid_request_error"],
      [401, "authentication_error"],
      [403, "permission_error"],
      [404, "not_found_error"],
      [429, "rate_limit_error"],
      [500, "api_error"],
      [503, "api_error"],
    ] as const) {
      const r = await raw(url(), {
        headers: { ...anthropicHeaders, "x-fake-fault": `status=${status}` },
        body,
      });
      expect([r.status, JSON.parse(r.text).error.type]).toEqual([status, type]);
    }
  });

  it("in-stream overload is the documented `event: error` frame, and the stream ends there", async () => {
    const res = await raw(url(), {
      headers: { ...anthropicHeaders, "x-fake-fault": "in-stream-overload=1" },
      body,
    });
    expect(
      res.text.endsWith(
        'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n',
      ),
    ).toBe(true);
    expect(res.text.match(/event: content_block_delta/g)).toHaveLength(1);
  });

  it("accepts x-api-key or Authorization: Bearer; rejects missing/wrong keys with authentication_error", async () => {
    const plain = json({ model: "claude-sonnet-5", max_tokens: 10, messages: [] });
    expect((await raw(url(), { headers: bearer(FAKE_KEYS.anthropic), body: plain })).status).toBe(200);
    const missing = await raw(url(), { body: plain });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text).error).toEqual({
      type: "authentication_error",
      message: "x-api-key header is required",
    });
    const wrong = await raw(url(), { headers: { "x-api-key": "sk-ant-nope" }, body: plain });
    expect(JSON.parse(wrong.text).error.message).toBe("invalid x-api-key");
    const unknown = await raw(`${ctx.fake.baseUrls.anthropic}/v1/nope`, {
      headers: anthropicHeaders,
      body: plain,
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.type).toBe("not_found_error");
  });

  it("rate-limit headers count requests down", async () => {
    const plain = json({ model: "claude-sonnet-5", max_tokens: 10, messages: [] });
    const a = await raw(url(), { headers: anthropicHeaders, body: plain });
    const b = await raw(url(), { headers: anthropicHeaders, body: plain });
    expect(Number(a.headers["anthropic-ratelimit-requests-remaining"]) - 1).toBe(
      Number(b.headers["anthropic-ratelimit-requests-remaining"]),
    );
    expect(a.headers["anthropic-ratelimit-tokens-remaining"]).toMatch(/^\d+$/);
  });
});

describe("OpenAI-compatible framing and errors", () => {
  it("OpenAI: plain chat is pretty JSON + newline; errors are {error:{message,type,param,code}}", async () => {
    const url = `${ctx.fake.baseUrls.openai}/chat/completions`;
    const ok = await raw(url, {
      headers: bearer(FAKE_KEYS.openai),
      body: json({ model: "gpt-4o", messages: [] }),
    });
    expect(ok.text.startsWith('{\n  "id": "chatcmpl-')).toBe(true);
    expect(ok.text.endsWith("}\n")).toBe(true);
    expect(ok.headers["x-request-id"]).toMatch(/^req_[0-9a-f]{32}$/);
    expect(ok.headers["x-ratelimit-remaining-requests"]).toBe("9999");
    expect(ok.headers["x-ratelimit-remaining-tokens"]).toMatch(/^\d+$/);
    const missing = await raw(url, { body: json({ model: "gpt-4o", messages: [] }) });
    expect(missing.status).toBe(401);
    expect(Object.keys(JSON.parse(missing.text).error)).toEqual(["message", "type", "param", "code"]);
    const unknown = await raw(`${ctx.fake.baseUrls.openai}/nope`, {
      headers: bearer(FAKE_KEYS.openai),
      body: "{}",
    });
    expect(JSON.parse(unknown.text).error.message).toBe("Invalid URL (POST /v1/nope)");
    const overloaded = await raw(url, {
      headers: { ...bearer(FAKE_KEYS.openai), "x-fake-fault": "status=503,retry-after=3" },
      body: json({ model: "gpt-4o", messages: [] }),
    });
    expect(overloaded.status).toBe(503);
    expect(overloaded.headers["retry-after"]).toBe("3");
    expect(JSON.parse(overloaded.text).error.type).toBe("server_error");
  });

  it('OpenAI: in-stream error is a data: {"error":…} chunk with no [DONE] after it', async () => {
    const res = await raw(`${ctx.fake.baseUrls.openai}/chat/completions`, {
      headers: { ...bearer(FAKE_KEYS.openai), "x-fake-fault": "in-stream-overload=2" },
      body: json({ model: "gpt-4o", messages: [], stream: true }),
    });
    const frames = res.text.split("\n\n").filter(Boolean);
    expect(frames).toHaveLength(4); // role chunk, 2 deltas, error
    expect(JSON.parse(frames[3]!.slice(6)).error.type).toBe("server_error");
    expect(res.text).not.toContain("[DONE]");
  });

  it("Groq: compact JSON, content-type without charset on streams, its own error bodies", async () => {
    const url = `${ctx.fake.baseUrls.groq}/openai/v1/chat/completions`;
    const stream = await raw(url, {
      headers: bearer(FAKE_KEYS.groq),
      body: json({ model: "llama-3.3-70b-versatile", messages: [], stream: true }),
    });
    expect(stream.headers["content-type"]).toBe("text/event-stream");
    expect(stream.text.endsWith("data: [DONE]\n\n")).toBe(true);
    const wrong = await raw(url, { headers: bearer("gsk_nope"), body: json({ model: "x", messages: [] }) });
    expect(wrong.text).toBe(
      '{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}\n',
    );
    const unknown = await raw(`${ctx.fake.baseUrls.groq}/openai/v1/nope`, {
      headers: bearer(FAKE_KEYS.groq),
      body: "{}",
    });
    expect(JSON.parse(unknown.text).error.code).toBe("unknown_url");
  });

  it("Cerebras: unwrapped errors — 403 without a key, 401 wrong_api_key, 429 request_quota_exceeded", async () => {
    const url = `${ctx.fake.baseUrls.cerebras}/v1/chat/completions`;
    const body = json({ model: "llama3.1-8b", messages: [] });
    const missing = await raw(url, { body });
    expect([missing.status, missing.text]).toEqual([403, '{"detail":"Not authenticated"}']);
    const wrong = await raw(url, { headers: bearer("csk-nope"), body });
    expect([wrong.status, wrong.text]).toEqual([
      401,
      '{"message":"Wrong API Key","type":"invalid_request_error","param":"api_key","code":"wrong_api_key"}',
    ]);
    const limited = await raw(url, {
      headers: { ...bearer(FAKE_KEYS.cerebras), "x-fake-fault": "status=429" },
      body,
    });
    expect(JSON.parse(limited.text).code).toBe("request_quota_exceeded");
    expect(limited.headers["x-ratelimit-remaining-requests-day"]).toMatch(/^\d+$/);
  });

  it("unknown provider prefixes are a plain 404", async () => {
    const res = await raw(`${ctx.fake.url}/mistral/v1/chat/completions`, { body: "{}" });
    expect(res.status).toBe(404);
    expect(ctx.fake.records).toHaveLength(0);
  });
});
