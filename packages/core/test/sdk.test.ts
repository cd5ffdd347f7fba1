/**
 * The official SDKs through the gateway, changing only their base URL (and using a Sluice key): text and usage
 * come back as the SDK expects, and the fake upstream's records show what the gateway forwarded.
 */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { FAKE_KEYS, type FakeRecord, REPLY_SENTENCE, TOKENS_PER_EVENT } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_KEY, type Stack, startStack } from "./helpers.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(async () => {
  await stack.flush();
  stack.fake.reset();
  stack.metrics.points.length = 0;
});

/** The fake's default usage: a quarter of the request body in input, 3 tokens for each of the 5 deltas. */
const OUTPUT = 5 * TOKENS_PER_EVENT;
const inputOf = (record: FakeRecord) => Math.ceil(record.bodyLength / 4);

function onlyRecord(): FakeRecord {
  expect(stack.fake.records).toHaveLength(1);
  return stack.fake.records[0]!;
}

/** No header the upstream saw carries the client's Sluice key. */
function expectNoClientKey(record: FakeRecord) {
  expect(JSON.stringify(record.headers)).not.toContain(CLIENT_KEY);
  expect(JSON.stringify(record.query)).not.toContain(CLIENT_KEY);
}

async function onlyPoint() {
  await stack.flush();
  expect(stack.metrics.points).toHaveLength(1);
  return stack.metrics.points[0]!;
}

const anthropic = () => new Anthropic({ apiKey: CLIENT_KEY, baseURL: `${stack.url}/anthropic` });
const openai = (path = "/openai/v1") => new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${stack.url}${path}` });
const gemini = () => new GoogleGenAI({ apiKey: CLIENT_KEY, httpOptions: { baseUrl: `${stack.url}/gemini` } });

describe("@anthropic-ai/sdk", () => {
  it("messages.create", async () => {
    const message = await anthropic().messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content).toEqual([{ type: "text", text: REPLY_SENTENCE }]);
    const record = onlyRecord();
    expect(message.usage).toMatchObject({ input_tokens: inputOf(record), output_tokens: OUTPUT });
    expect(await onlyPoint()).toMatchObject({
      route: "anthropic.messages",
      status: 200,
      stream: false,
      inputTokens: inputOf(record),
      outputTokens: OUTPUT,
    });
  });

  it("messages.stream().finalMessage(), forwarding anthropic-version, betas and x-stainless-*, never the client key", async () => {
    // Watch what the SDK itself sends, to compare with what the upstream got.
    let sent = new Headers();
    const client = new Anthropic({
      apiKey: CLIENT_KEY,
      baseURL: `${stack.url}/anthropic`,
      fetch: (url, init) => {
        sent = new Headers(init?.headers);
        return fetch(url, init);
      },
    });
    const stream = client.beta.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      betas: ["context-1m-2025-08-07"],
      messages: [{ role: "user", content: "hi" }],
    });
    const deltas: string[] = [];
    stream.on("text", (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.length).toBe(5);
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: REPLY_SENTENCE })]);
    const record = onlyRecord();
    expect(message.usage).toMatchObject({ input_tokens: inputOf(record), output_tokens: OUTPUT });

    const { headers } = record;
    expect(headers["x-api-key"]).toBe(FAKE_KEYS.anthropic);
    expect(headers.authorization).toBeUndefined();
    expect(sent.get("anthropic-version")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(headers["anthropic-version"]).toBe(sent.get("anthropic-version"));
    expect(headers["anthropic-beta"]).toBe("context-1m-2025-08-07");
    const stainless = [...sent.keys()].filter((h) => h.startsWith("x-stainless-"));
    expect(stainless).toEqual(expect.arrayContaining(["x-stainless-lang", "x-stainless-package-version"]));
    for (const name of stainless) expect(headers[name], name).toBe(sent.get(name));
    // The SDK sent the Sluice key; the upstream got the provider key in its place.
    expect(`${sent.get("x-api-key")} ${sent.get("authorization")}`).toContain(CLIENT_KEY);
    expect(headers["user-agent"]).toMatch(/^Anthropic\/JS /);
    expectNoClientKey(record);
    expect(await onlyPoint()).toMatchObject({
      stream: true,
      inputTokens: inputOf(record),
      outputTokens: OUTPUT,
    });
  });
});

describe("openai SDK", () => {
  it("chat.completions stream with include_usage", async () => {
    const stream = await openai().chat.completions.create({
      model: "gpt-4.1-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(REPLY_SENTENCE);
    const record = onlyRecord();
    expect(usage).toMatchObject({ prompt_tokens: inputOf(record), completion_tokens: OUTPUT });
    expect(record.headers.authorization).toBe(`Bearer ${FAKE_KEYS.openai}`);
    expect(Object.keys(record.headers)).toContain("x-stainless-lang");
    expectNoClientKey(record);
    expect(await onlyPoint()).toMatchObject({
      route: "openai.chat",
      stream: true,
      inputTokens: inputOf(record),
      outputTokens: OUTPUT,
    });
  });

  it("responses.create({ stream: true })", async () => {
    const stream = await openai().responses.create({ model: "gpt-4.1-mini", input: "hi", stream: true });
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe(REPLY_SENTENCE);
    expect(completed?.status).toBe("completed");
    const record = onlyRecord();
    expect(completed?.usage).toMatchObject({ input_tokens: inputOf(record), output_tokens: OUTPUT });
    expectNoClientKey(record);
    expect(await onlyPoint()).toMatchObject({
      route: "openai.responses",
      stream: true,
      inputTokens: inputOf(record),
      outputTokens: OUTPUT,
    });
  });

  for (const [name, path, model] of [
    ["groq", "/groq/openai/v1", "llama-3.3-70b-versatile"],
    ["cerebras", "/cerebras/v1", "llama-4-scout-17b-16e-instruct"],
  ] as const) {
    it(`${name} through the openai SDK, plain and streamed`, async () => {
      const client = openai(path);
      const plain = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "hi" }],
      });
      expect(plain.choices[0]?.message.content).toBe(REPLY_SENTENCE);
      const first = stack.fake.records[0]!;
      expect(plain.usage).toMatchObject({ prompt_tokens: inputOf(first), completion_tokens: OUTPUT });

      const stream = await client.chat.completions.create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "hi" }],
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe(REPLY_SENTENCE);

      expect(stack.fake.records.map((r) => r.provider)).toEqual([name, name]);
      for (const record of stack.fake.records) {
        expect(record.headers.authorization).toBe(`Bearer ${FAKE_KEYS[name]}`);
        expectNoClientKey(record);
      }
      await stack.flush();
      expect(stack.metrics.points.map((p) => [p.route, p.stream, p.outputTokens])).toEqual([
        [`${name}.chat`, false, OUTPUT],
        [`${name}.chat`, true, OUTPUT],
      ]);
    });
  }
});

describe("@google/genai", () => {
  it("models.generateContent", async () => {
    const response = await gemini().models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    expect(response.text).toBe(REPLY_SENTENCE);
    const record = onlyRecord();
    // The SDK's default API version path (/v1 in @google/genai 3) is routed like /v1beta.
    expect(record.path).toBe("/gemini/v1/models/gemini-2.5-flash:generateContent");
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: inputOf(record),
      candidatesTokenCount: OUTPUT,
    });
    expect(record.headers["x-goog-api-key"]).toBe(FAKE_KEYS.gemini);
    expect(record.headers["x-goog-api-client"]).toMatch(/^google-genai-sdk\//);
    expectNoClientKey(record);
    expect(await onlyPoint()).toMatchObject({
      route: "gemini.generateContent",
      model: "gemini-2.5-flash",
      inputTokens: inputOf(record),
      outputTokens: OUTPUT,
    });
  });

  it("models.generateContentStream", async () => {
    const stream = await gemini().models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" });
    let text = "";
    let usage: { promptTokenCount?: number; candidatesTokenCount?: number } | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? "";
      usage = chunk.usageMetadata ?? usage;
    }
    expect(text).toBe(REPLY_SENTENCE);
    const record = onlyRecord();
    expect(record.query).toMatchObject({ alt: "sse" });
    expect(usage).toMatchObject({ promptTokenCount: inputOf(record), candidatesTokenCount: OUTPUT });
    expectNoClientKey(record);
    expect(await onlyPoint()).toMatchObject({
      route: "gemini.streamGenerateContent",
      stream: true,
      inputTokens: inputOf(record),
      outputTokens: OUTPUT,
    });
  });
});
