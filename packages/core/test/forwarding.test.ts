import { createHash } from "node:crypto";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_KEY, type Stack, anthropicHeaders, bearerHeaders, post, startStack } from "./helpers.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.fake.reset());

const sha256 = (body: string | Uint8Array) => createHash("sha256").update(body).digest("hex");

// Odd key order, unicode (incl. astral and combining characters), escaped and raw, irregular whitespace,
// cache_control breakpoints: everything a re-serialization would change.
const TRICKY_ANTHROPIC = `{ "stream":false,"max_tokens" : 64,
  "system": [{"type":"text","text":"Tu es un assistant. Réponds en 日本語 🙂 e\\u0301","cache_control":{"type":"ephemeral"}}],
\t"model":"claude-sonnet-4-6",   "messages":[{"role":"user","content":[{"type":"text","text":"line1\\nline2 \\"quoted\\" \\u00e9 é","cache_control":{"type":"ephemeral","ttl":"1h"}}]}],
  "metadata":{"user_id":"u-1"}, "temperature": 1.0e0 }\n`;

describe("byte-identical forwarding", () => {
  it("forwards an Anthropic body byte for byte", async () => {
    const response = await post(`${stack.url}/anthropic/v1/messages`, TRICKY_ANTHROPIC, anthropicHeaders());
    expect(response.status).toBe(200);
    await response.json();
    const [record] = stack.fake.records;
    expect(record?.bodySha256).toBe(sha256(TRICKY_ANTHROPIC));
    expect(record?.bodyLength).toBe(Buffer.byteLength(TRICKY_ANTHROPIC));
  });

  it("forwards OpenAI, Gemini, Groq and Cerebras bodies byte for byte", async () => {
    const openai = `{"messages":[{"role":"user","content":"ça 🙂"}],  "model":"gpt-4.1-mini","n":1}`;
    const gemini = `{"contents":[{"parts":[{"text":"héllo"}],"role":"user"}] ,"generationConfig":{"temperature":0.5}}`;
    const calls: [string, string, Record<string, string>][] = [
      [`${stack.url}/openai/v1/chat/completions`, openai, bearerHeaders()],
      [
        `${stack.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent`,
        gemini,
        { "x-goog-api-key": CLIENT_KEY },
      ],
      [
        `${stack.url}/groq/openai/v1/chat/completions`,
        openai.replace("gpt-4.1-mini", "llama-3.3-70b-versatile"),
        bearerHeaders(),
      ],
      [
        `${stack.url}/cerebras/v1/chat/completions`,
        openai.replace("gpt-4.1-mini", "llama-4-scout-17b-16e-instruct"),
        bearerHeaders(),
      ],
    ];
    for (const [url, body, headers] of calls) {
      const response = await post(url, body, headers);
      expect(response.status, url).toBe(200);
      await response.arrayBuffer();
    }
    expect(stack.fake.records.map((r) => r.bodySha256)).toEqual(calls.map(([, body]) => sha256(body)));
  });

  it("swaps the client key for the provider key and forwards the SDK's own headers", async () => {
    const response = await post(`${stack.url}/anthropic/v1/messages`, TRICKY_ANTHROPIC, {
      ...anthropicHeaders(),
      "anthropic-beta": "prompt-caching-2024-07-31",
      cookie: "session=secret",
      "x-forwarded-for": "203.0.113.9",
    });
    await response.arrayBuffer();
    const headers = stack.fake.records[0]!.headers;
    expect(headers["x-api-key"]).toBe(FAKE_KEYS.anthropic);
    expect(headers["anthropic-version"]).toBe("2023-06-01");
    expect(headers["anthropic-beta"]).toBe("prompt-caching-2024-07-31");
    expect(headers.cookie).toBeUndefined();
    expect(headers["x-forwarded-for"]).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(CLIENT_KEY);
  });

  it("moves a Gemini ?key= credential into the provider header, never upstream in the URL", async () => {
    const response = await post(
      `${stack.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${CLIENT_KEY}`,
      `{"contents":[{"parts":[{"text":"hi"}]}]}`,
    );
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const record = stack.fake.records[0]!;
    expect(record.query).not.toContain(CLIENT_KEY);
    expect(record.headers["x-goog-api-key"]).toBe(FAKE_KEYS.gemini);
  });

  it("passes allow-listed endpoints through with the same key handling", async () => {
    const response = await fetch(`${stack.url}/anthropic/v1/models`, { headers: anthropicHeaders() });
    expect(response.status).toBe(200);
    expect((await response.json()) as object).toHaveProperty("data");
    expect(stack.fake.records[0]!.headers["x-api-key"]).toBe(FAKE_KEYS.anthropic);
  });
});
