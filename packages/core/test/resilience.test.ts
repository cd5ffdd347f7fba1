import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, replyText, startFakeUpstream } from "@sluice/fake-upstream";
import { afterEach, describe, expect, it } from "vitest";
import { type Middleware, modelRouting } from "../src/index.js";
import { memoryRateLimitStore, memorySecrets } from "../src/memory/index.js";
import {
  CLIENT_KEY,
  PROVIDER_SECRETS,
  type Stack,
  anthropicHeaders,
  bearerHeaders,
  post,
  readText,
  startStack,
} from "./helpers.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

let ids = 0;
const once = (fault: string) => `${fault},times=1,id=resilience-${Date.now()}-${ids++}`;
const anthropicBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-4-6",
    max_tokens: 64,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  });
const secrets = (extra: Record<string, string>) =>
  memorySecrets({ ...PROVIDER_SECRETS, SLUICE_KEYS: CLIENT_KEY, ...extra });

describe("fallbacks", () => {
  it("serves from a same-provider fallback model when the primary is overloaded, rewriting only the model", async () => {
    stack = await startStack({
      upstream: {
        retry: { maxRetries: 0 },
        fallbacks: { "claude-sonnet-4-6": [{ model: "claude-haiku-4-5" }] },
      },
    });
    const body = ` {"max_tokens":64, "model" : "claude-sonnet-4-6","messages":[{"role":"user","content":"é"}]}`;
    const response = await post(`${stack.url}/anthropic/v1/messages`, body, {
      ...anthropicHeaders(),
      "x-fake-fault": once("status=529"),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-sluice-fallback")).toBe("anthropic/claude-haiku-4-5");
    expect((await response.json()).model).toBe("claude-haiku-4-5");
    const [first, second] = stack.fake.records;
    expect(first?.status).toBe(529);
    expect(second?.body).toBe(body.replace(`"claude-sonnet-4-6"`, `"claude-haiku-4-5"`));
    await stack.flush();
    expect(stack.metrics.points[0]).toMatchObject({ status: 200, retries: 1, failure: "" });
  });

  it("falls back across providers with translation: an Anthropic SDK stream served by OpenAI", async () => {
    stack = await startStack({
      upstream: {
        retry: { maxRetries: 0 },
        translate: true,
        fallbacks: { "anthropic.messages": [{ provider: "openai", model: "gpt-4.1-mini" }] },
      },
    });
    const client = new Anthropic({
      apiKey: CLIENT_KEY,
      baseURL: `${stack.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { "x-fake-fault": once("status=529") },
    });
    const message = await client.messages
      .stream({
        model: "claude-sonnet-4-6",
        max_tokens: 64,
        system: "Be brief.",
        messages: [{ role: "user", content: "hi" }],
      })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text", text: replyText() });
    expect(message.model).toBe("claude-sonnet-4-6");
    const openai = stack.fake.records[1]!;
    expect(openai.provider).toBe("openai");
    expect(openai.headers.authorization).toBe(`Bearer ${FAKE_KEYS.openai}`);
    expect(JSON.parse(openai.body!)).toMatchObject({
      model: "gpt-4.1-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
      stream: true,
    });
    await stack.flush();
    expect(stack.metrics.points[0]!.outputTokens).toBeGreaterThan(0);
  });

  it("never translates unless configured", async () => {
    stack = await startStack({
      upstream: {
        retry: { maxRetries: 0 },
        fallbacks: { "*": [{ provider: "openai", model: "gpt-4.1-mini" }] },
      },
    });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody(), {
      ...anthropicHeaders(),
      "x-fake-fault": once("status=529"),
    });
    expect(response.status).toBe(529);
    expect(stack.fake.records).toHaveLength(1);
  });
});

describe("circuit breaker", () => {
  it("opens after repeated overloads, sheds without calling upstream, half-opens, and closes", async () => {
    stack = await startStack({
      upstream: { retry: { maxRetries: 0 }, circuitBreaker: { threshold: 2, windowSeconds: 1 } },
      stores: { counters: memoryRateLimitStore() },
    });
    const call = (fault?: string) =>
      post(`${stack!.url}/anthropic/v1/messages`, anthropicBody(), {
        ...anthropicHeaders(),
        ...(fault ? { "x-fake-fault": fault } : {}),
      });
    expect((await call("status=529")).status).toBe(529);
    expect((await call("status=529")).status).toBe(529);
    const shed = await call();
    expect(shed.status).toBe(503);
    expect(shed.headers.get("x-sluice-failure")).toBe("circuit_open");
    expect(Number(shed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await shed.json()).error.type).toBe("overloaded_error");
    expect(stack.fake.records).toHaveLength(2);
    // One token leaks back after windowSeconds / threshold = 0.5 s: the circuit half-opens.
    await new Promise((r) => setTimeout(r, 700));
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    expect(stack.fake.records).toHaveLength(4);
  });
});

describe("overload before the first token", () => {
  it("holds the preamble back and retries, so the client sees one clean stream", async () => {
    stack = await startStack({ upstream: { retry: { maxRetries: 1, baseDelayMs: 10 } } });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody({ stream: true }), {
      ...anthropicHeaders(),
      "x-fake-fault": once("in-stream-overload=0"),
    });
    const text = await readText(response);
    expect(text).not.toContain("overloaded_error");
    expect(text.match(/event: message_start/g)).toHaveLength(1);
    expect(text).toContain("event: message_stop");
    expect(stack.fake.records).toHaveLength(2);
    await stack.flush();
    expect(stack.metrics.points[0]).toMatchObject({ retries: 1, failure: "" });
  });

  it("passes the error through once attempts run out", async () => {
    stack = await startStack({ upstream: { retry: { maxRetries: 1, baseDelayMs: 10 } } });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody({ stream: true }), {
      ...anthropicHeaders(),
      "x-fake-fault": "in-stream-overload=0",
    });
    expect(await readText(response)).toContain("overloaded_error");
    expect(stack.fake.records).toHaveLength(2);
  });

  it("does not retry once content was sent", async () => {
    stack = await startStack({ upstream: { retry: { maxRetries: 2 } } });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody({ stream: true }), {
      ...anthropicHeaders(),
      "x-fake-fault": "in-stream-overload=2",
    });
    const text = await readText(response);
    expect(text).toContain("content_block_delta");
    expect(text).toContain("overloaded_error");
    expect(stack.fake.records).toHaveLength(1);
  });
});

describe("key rotation", () => {
  it("retries a refused primary key once with the secondary", async () => {
    stack = await startStack({
      secrets: secrets({
        ANTHROPIC_API_KEY: "sk-ant-rotated-away-000000000000",
        ANTHROPIC_API_KEY_SECONDARY: FAKE_KEYS.anthropic,
      }),
    });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody(), anthropicHeaders());
    expect(response.status).toBe(200);
    expect(response.headers.get("x-sluice-key-rotated")).toBe("secondary");
    expect(stack.fake.records.map((r) => r.status)).toEqual([401, 200]);
    expect(stack.fake.records[1]!.headers["x-api-key"]).toBe(FAKE_KEYS.anthropic);
  });

  it("answers 502 upstream_auth when no secondary is configured", async () => {
    stack = await startStack({ secrets: secrets({ ANTHROPIC_API_KEY: "sk-ant-rotated-away-000000000000" }) });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody(), anthropicHeaders());
    expect(response.status).toBe(502);
    expect(response.headers.get("x-sluice-failure")).toBe("upstream_auth");
  });
});

describe("fan-out guard", () => {
  it("never holds more than six upstream requests waiting on headers", async () => {
    const fanOut: Middleware = async function fanOut(ctx, next) {
      const probe = () =>
        ctx
          .fetchUpstream(`${stack!.fake.baseUrls.anthropic}/v1/messages/count_tokens`, {
            method: "POST",
            headers: {
              "x-api-key": FAKE_KEYS.anthropic,
              "content-type": "application/json",
              "x-fake-fault": "delay-headers=150",
            },
            body: anthropicBody(),
          })
          .then((r) => r.arrayBuffer());
      await Promise.all(Array.from({ length: 14 }, probe));
      return next();
    };
    stack = await startStack({ middleware: [fanOut] });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody(), anthropicHeaders());
    expect(response.status).toBe(200);
    expect(stack.fake.records).toHaveLength(15);
    // Exactly six: the guard was exercised (14 wanted to go at once) and held.
    expect(stack.fake.stats().maxInFlight).toBe(6);
  });
});

describe("model routing", () => {
  const models = {
    aliases: { fast: "claude-haiku-4-5" },
    tasks: { summarize: "gpt-4.1-mini" },
    retired: {
      "claude-3-haiku-20240307": { successor: "claude-haiku-4-5" },
      "claude-2.1": { successor: "claude-sonnet-4-6", action: "refuse" as const },
    },
  };

  it("resolves an alias, rewriting only the model field, and says so", async () => {
    stack = await startStack({ middleware: [modelRouting(models)] });
    const body = `{"model":"fast","max_tokens":8,"messages":[{"role":"user","content":"model: fast"}]}`;
    const response = await post(`${stack.url}/anthropic/v1/messages`, body, anthropicHeaders());
    expect(response.headers.get("x-sluice-model-route")).toBe("alias fast -> claude-haiku-4-5");
    expect(stack.fake.records[0]!.body).toBe(body.replace(`"model":"fast"`, `"model":"claude-haiku-4-5"`));
  });

  it("routes by task header", async () => {
    stack = await startStack({ middleware: [modelRouting(models)] });
    const body = JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "x" }] });
    const response = await post(`${stack.url}/openai/v1/chat/completions`, body, {
      ...bearerHeaders(),
      "x-sluice-task": "summarize",
    });
    expect(response.headers.get("x-sluice-model-route")).toBe("task summarize -> gpt-4.1-mini");
    expect(JSON.parse(stack.fake.records[0]!.body!).model).toBe("gpt-4.1-mini");
  });

  it("moves a retired model to its successor with a warning, or refuses it", async () => {
    stack = await startStack({ middleware: [modelRouting(models)] });
    const moved = await post(
      `${stack.url}/anthropic/v1/messages`,
      anthropicBody({ model: "claude-3-haiku-20240307" }),
      anthropicHeaders(),
    );
    expect(moved.status).toBe(200);
    expect(moved.headers.get("warning")).toContain("claude-3-haiku-20240307 is retired");
    expect(JSON.parse(stack.fake.records[0]!.body!).model).toBe("claude-haiku-4-5");
    const refused = await post(
      `${stack.url}/anthropic/v1/messages`,
      anthropicBody({ model: "claude-2.1" }),
      anthropicHeaders(),
    );
    expect(refused.status).toBe(404);
    expect((await refused.json()).error.message).toContain("use claude-sonnet-4-6");
    expect(stack.fake.records).toHaveLength(1);
  });

  it("rewrites a Gemini model in the path", async () => {
    stack = await startStack({ middleware: [modelRouting({ aliases: { fast: "gemini-2.5-flash" } })] });
    const response = await post(
      `${stack.url}/gemini/v1beta/models/fast:generateContent`,
      `{"contents":[{"parts":[{"text":"hi"}]}]}`,
      {
        "x-goog-api-key": CLIENT_KEY,
      },
    );
    expect(response.status).toBe(200);
    expect(stack.fake.records[0]!.path).toContain("/models/gemini-2.5-flash:generateContent");
  });
});

describe("prompt caching", () => {
  // The isolate remembers prefixes across tests: each test gets its own system prompt.
  const cached = (question: string, system = expect.getState().currentTestName) =>
    anthropicBody({
      system: [
        {
          type: "text",
          text: `A long, stable system prompt for ${system}.`,
          cache_control: { type: "ephemeral" },
        },
      ],
      messages: [{ role: "user", content: question }],
    });

  it("sends requests sharing a cacheable prefix to the same key of a pool", async () => {
    const pool = [
      "sk-ant-pool-key-aaaaaaaaaaaaaaaa",
      "sk-ant-pool-key-bbbbbbbbbbbbbbbb",
      "sk-ant-pool-key-cccccccccccccccc",
    ];
    const fake = await startFakeUpstream({ keys: { anthropic: pool } });
    stack = await startStack(
      {
        secrets: secrets({ ANTHROPIC_API_KEYS: pool.join(",") }),
        providers: { anthropic: { baseUrl: fake.baseUrls.anthropic, keyPool: "ANTHROPIC_API_KEYS" } },
      },
      fake,
    );
    for (const q of ["one", "two", "three", "four"]) {
      expect((await post(`${stack.url}/anthropic/v1/messages`, cached(q), anthropicHeaders())).status).toBe(
        200,
      );
    }
    expect(new Set(fake.records.map((r) => r.headers["x-api-key"])).size).toBe(1);
    // Without a breakpoint, calls are spread over the pool.
    for (let i = 0; i < 3; i++)
      await post(`${stack.url}/anthropic/v1/messages`, anthropicBody(), anthropicHeaders());
    expect(new Set(fake.records.slice(4).map((r) => r.headers["x-api-key"])).size).toBe(3);
    await stack.close();
    await fake.close();
    stack = undefined;
  });

  it("flags a likely silent cache miss: the same prefix again, and no cache read", async () => {
    stack = await startStack();
    const usage = (read: number) => ({
      ...anthropicHeaders(),
      "x-fake-usage": `input=10,output=5,cache_read=${read},cache_write=100`,
    });
    await (await post(`${stack.url}/anthropic/v1/messages`, cached("a"), usage(0))).json();
    await (await post(`${stack.url}/anthropic/v1/messages`, cached("b"), usage(0))).json();
    await (await post(`${stack.url}/anthropic/v1/messages`, cached("c"), usage(100))).json();
    await stack.flush();
    expect(stack.metrics.points.map((p) => p.failure)).toEqual(["", "prompt_cache_miss", ""]);
  });
});

describe("stream resumption (opt-in)", () => {
  const streamed = (text: string) =>
    text
      .split("\n\n")
      .filter((e) => e.includes("text_delta"))
      .map((e) => JSON.parse(e.slice(e.indexOf("data: ") + 6)).delta.text)
      .join("");

  it("continues a broken stream with a prefilled request, spliced into one clean stream", async () => {
    stack = await startStack({ upstream: { streamResumption: true } });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody({ stream: true }), {
      ...anthropicHeaders(),
      "x-fake-fault": once("reset-after=2"),
      "x-fake-events": "5",
    });
    const text = await readText(response);
    expect(text.match(/event: message_start/g)).toHaveLength(1);
    expect(text.match(/event: content_block_start/g)).toHaveLength(1);
    expect(text.match(/event: message_stop/g)).toHaveLength(1);
    expect(text).not.toContain("event: error");
    const [first, second] = stack.fake.records;
    const prefill = JSON.parse(second!.body!).messages.at(-1);
    expect(prefill.role).toBe("assistant");
    // The client saw what the first call sent, then the continuation (the fake does not honour prefills,
    // so it restarts its sentence: what matters is that both parts arrive, in order, in one block).
    expect(streamed(text)).toBe(`${prefill.content}${replyText(5)}`);
    expect(first!.completed).toBe(false);
    await stack.flush();
    expect(stack.metrics.points[0]).toMatchObject({ failure: "", retries: 1 });
  });

  it("gives a continuation after a stall its own idle allowance, so it is not ended at once", async () => {
    stack = await startStack({ upstream: { streamResumption: true, timeouts: { streamIdleMs: 300 } } });
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody({ stream: true }), {
      ...anthropicHeaders(),
      "x-fake-fault": once("stall-after=2"),
      "x-fake-events": "5",
    });
    const text = await readText(response);
    expect(text).not.toContain("event: error");
    expect(text.match(/event: message_stop/g)).toHaveLength(1);
    const prefill = JSON.parse(stack.fake.records[1]!.body!).messages.at(-1);
    expect(streamed(text)).toBe(`${prefill.content}${replyText(5)}`);
  });

  it("is off by default: a broken stream ends with a clean error event", async () => {
    stack = await startStack();
    const response = await post(`${stack.url}/anthropic/v1/messages`, anthropicBody({ stream: true }), {
      ...anthropicHeaders(),
      "x-fake-fault": "reset-after=2",
    });
    expect(await readText(response)).toContain("event: error");
    expect(stack.fake.records).toHaveLength(1);
  });
});
