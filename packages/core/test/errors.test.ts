/**
 * Every failure the gateway produces, for every provider: the status, JSON in that provider's error shape,
 * the failure named in `x-sluice-failure`, and the official SDK surfacing it as its typed error with our
 * message. The SDKs get the gateway's real response through their `fetch` option.
 */
import { createServer } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILURE_HEADER } from "../src/index.js";
import { memoryRateLimitStore } from "../src/memory/index.js";
import { CLIENT_KEY, type Stack, startStack } from "./helpers.js";

type Shape = "anthropic" | "openai" | "gemini";

interface Target {
  name: "anthropic" | "openai" | "gemini" | "groq" | "cerebras";
  shape: Shape;
  path: string;
  unknownPath: string;
  auth: (key: string) => Record<string, string>;
  body: string;
}

const chat = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const TARGETS: Target[] = [
  {
    name: "anthropic",
    shape: "anthropic",
    path: "/anthropic/v1/messages",
    unknownPath: "/anthropic/v1/nope",
    auth: (key) => ({ "x-api-key": key, "anthropic-version": "2023-06-01" }),
    body: JSON.stringify({
      model: "claude-sonnet-4-6",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    }),
  },
  {
    name: "openai",
    shape: "openai",
    path: "/openai/v1/chat/completions",
    unknownPath: "/openai/v1/nope",
    auth: bearer,
    body: chat("gpt-4.1-mini"),
  },
  {
    name: "gemini",
    shape: "gemini",
    path: "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
    unknownPath: "/gemini/v1beta/nope",
    auth: (key) => ({ "x-goog-api-key": key }),
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
  },
  {
    name: "groq",
    shape: "openai",
    path: "/groq/openai/v1/chat/completions",
    unknownPath: "/groq/openai/v1/nope",
    auth: bearer,
    body: chat("llama-3.3-70b-versatile"),
  },
  {
    name: "cerebras",
    shape: "openai",
    path: "/cerebras/v1/chat/completions",
    unknownPath: "/cerebras/v1/nope",
    auth: bearer,
    body: chat("llama-4-scout-17b-16e-instruct"),
  },
];

const MAX_BODY = 1024;

interface Stacks {
  main: Stack;
  limited: Stack;
  unreachable: Stack;
  slow: Stack;
}

interface Scenario {
  name: string;
  status: number;
  failure: string;
  /** Our message, as the body must carry it. */
  message: RegExp;
  send: (stacks: Stacks, t: Target) => Promise<Response>;
  /** Extra checks on the raw response. */
  check?: (response: Response, t: Target) => void | Promise<void>;
}

function request(
  stack: Stack,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: BodyInit; duplex?: "half" } = {},
) {
  return fetch(`${stack.url}${path}`, { method: "POST", ...init } as RequestInit);
}

const json = { "content-type": "application/json" };

const SCENARIOS: Scenario[] = [
  {
    name: "400 malformed JSON",
    status: 400,
    failure: "bad_request",
    message: /not valid JSON/,
    send: (s, t) =>
      request(s.main, t.path, { headers: { ...json, ...t.auth(CLIENT_KEY) }, body: '{"model": ' }),
  },
  {
    name: "400 invalid UTF-8",
    status: 400,
    failure: "bad_request",
    message: /not valid UTF-8/,
    send: (s, t) =>
      request(s.main, t.path, {
        headers: { ...json, ...t.auth(CLIENT_KEY) },
        body: Uint8Array.of(
          ...new TextEncoder().encode('{"model":"'),
          0xff,
          0xfe,
          ...new TextEncoder().encode('"}'),
        ),
      }),
  },
  {
    name: "401 missing key",
    status: 401,
    failure: "unauthorized",
    message: /Missing API key/,
    send: (s, t) =>
      request(s.main, t.path, {
        headers: { ...json, ...(t.shape === "anthropic" ? { "anthropic-version": "2023-06-01" } : {}) },
        body: t.body,
      }),
  },
  {
    name: "401 unknown key",
    status: 401,
    failure: "unauthorized",
    message: /^Invalid API key\.$/,
    send: (s, t) =>
      request(s.main, t.path, { headers: { ...json, ...t.auth("sluice-no-such-key") }, body: t.body }),
  },
  {
    name: "404 unknown route",
    status: 404,
    failure: "not_found",
    message: /No route for POST/,
    send: (s, t) =>
      request(s.main, t.unknownPath, { headers: { ...json, ...t.auth(CLIENT_KEY) }, body: t.body }),
  },
  {
    name: "405 wrong method",
    status: 405,
    failure: "method_not_allowed",
    message: /Use POST/,
    send: (s, t) => request(s.main, t.path, { method: "GET", headers: t.auth(CLIENT_KEY) }),
    check: (response) => expect(response.headers.get("allow")).toBe("POST"),
  },
  {
    name: "413 over maxBodyBytes, with content-length",
    status: 413,
    failure: "payload_too_large",
    message: new RegExp(`limit of ${MAX_BODY} bytes`),
    send: (s, t) =>
      request(s.main, t.path, {
        headers: { ...json, ...t.auth(CLIENT_KEY) },
        body: `{"pad":"${"x".repeat(MAX_BODY * 2)}"}`,
      }),
  },
  {
    name: "413 over maxBodyBytes, chunked without content-length",
    status: 413,
    failure: "payload_too_large",
    message: new RegExp(`limit of ${MAX_BODY} bytes`),
    send: (s, t) => {
      const piece = new TextEncoder().encode("x".repeat(600));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 4) controller.enqueue(piece);
          else controller.close();
        },
      });
      return request(s.main, t.path, { headers: { ...json, ...t.auth(CLIENT_KEY) }, body, duplex: "half" });
    },
  },
  {
    name: "415 wrong content-type",
    status: 415,
    failure: "unsupported_media_type",
    message: /application\/json \(got "text\/plain"\)/,
    send: (s, t) =>
      request(s.main, t.path, {
        headers: { "content-type": "text/plain", ...t.auth(CLIENT_KEY) },
        body: t.body,
      }),
  },
  {
    name: "429 from Sluice's rate limiter",
    status: 429,
    failure: "rate_limited",
    message: /Rate limit of 2 requests per 60 s reached/,
    async send(s, t) {
      const before = s.limited.fake.records.length;
      const response = await request(s.limited, t.path, {
        headers: { ...json, ...t.auth(CLIENT_KEY) },
        body: t.body,
      });
      // The limiter answers before any upstream call.
      expect(s.limited.fake.records.length).toBe(before);
      return response;
    },
    check(response) {
      const seconds = Number(response.headers.get("retry-after"));
      expect(Number.isInteger(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
    },
  },
  {
    name: "502 upstream unreachable",
    status: 502,
    failure: "upstream_unreachable",
    message: /could not be reached/,
    send: (s, t) =>
      request(s.unreachable, t.path, { headers: { ...json, ...t.auth(CLIENT_KEY) }, body: t.body }),
    check: (response) => expect(response.headers.get("x-should-retry")).toBe("false"),
  },
  {
    name: "504 upstream headers timeout",
    status: 504,
    failure: "upstream_timeout",
    message: /sent no response headers within 150 ms/,
    send: (s, t) =>
      request(s.slow, t.path, {
        headers: { ...json, ...t.auth(CLIENT_KEY), "x-fake-fault": "delay-headers=5000" },
        body: t.body,
      }),
    check: (response) => expect(response.headers.get("x-should-retry")).toBe("false"),
  },
  {
    name: "502 wrong upstream content-type",
    status: 502,
    failure: "bad_upstream_response",
    message: /answered 200 with content-type "text\/html", not JSON/,
    send: (s, t) =>
      request(s.main, t.path, {
        headers: { ...json, ...t.auth(CLIENT_KEY), "x-fake-fault": "wrong-content-type" },
        body: t.body,
      }),
  },
  {
    name: "502 truncated upstream JSON",
    status: 502,
    failure: "bad_upstream_response",
    message: /not valid JSON/,
    send: (s, t) =>
      request(s.main, t.path, {
        headers: { ...json, ...t.auth(CLIENT_KEY), "x-fake-fault": "truncated-json" },
        body: t.body,
      }),
  },
];

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  415: "invalid_request_error",
  429: "rate_limit_error",
  502: "api_error",
  504: "timeout_error",
};
const GEMINI_STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  404: "NOT_FOUND",
  405: "UNIMPLEMENTED",
  413: "INVALID_ARGUMENT",
  415: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  502: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** Checks the body is exactly the provider's error shape; returns its message. */
function messageOf(shape: Shape, body: unknown, status: number, failure: string): string {
  if (shape === "anthropic") {
    expect(body).toEqual({
      type: "error",
      error: { type: ANTHROPIC_TYPES[status], message: expect.any(String) },
    });
    return (body as { error: { message: string } }).error.message;
  }
  if (shape === "openai") {
    expect(body).toEqual({
      error: { message: expect.any(String), type: expect.any(String), param: null, code: failure },
    });
    return (body as { error: { message: string } }).error.message;
  }
  expect(body).toEqual({
    error: { code: status, message: expect.any(String), status: GEMINI_STATUSES[status] },
  });
  return (body as { error: { message: string } }).error.message;
}

/** Makes the call with the provider's official SDK, fed the gateway's response; returns what it threw. */
async function sdkError(t: Target, respond: () => Promise<Response>): Promise<unknown> {
  const fetch = () => respond();
  try {
    if (t.shape === "anthropic") {
      const client = new Anthropic({
        apiKey: CLIENT_KEY,
        baseURL: "http://sluice.invalid",
        maxRetries: 0,
        fetch,
      });
      await client.messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      });
    } else if (t.shape === "openai") {
      const client = new OpenAI({
        apiKey: CLIENT_KEY,
        baseURL: "http://sluice.invalid",
        maxRetries: 0,
        fetch,
      });
      await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
    } else {
      const client = new GoogleGenAI({
        apiKey: CLIENT_KEY,
        httpOptions: { baseUrl: "http://sluice.invalid", fetch },
      });
      await client.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    }
  } catch (error) {
    return error;
  }
  throw new Error("the SDK call should have failed");
}

const ANTHROPIC_CLASSES: Record<number, unknown> = {
  400: Anthropic.BadRequestError,
  401: Anthropic.AuthenticationError,
  404: Anthropic.NotFoundError,
  413: Anthropic.ContentTooLargeError,
  429: Anthropic.RateLimitError,
  502: Anthropic.InternalServerError,
  504: Anthropic.GatewayTimeoutError,
};
const OPENAI_CLASSES: Record<number, unknown> = {
  400: OpenAI.BadRequestError,
  401: OpenAI.AuthenticationError,
  404: OpenAI.NotFoundError,
  429: OpenAI.RateLimitError,
  502: OpenAI.InternalServerError,
  504: OpenAI.InternalServerError,
};

function expectTypedSdkError(t: Target, error: unknown, status: number, failure: string, message: string) {
  if (t.shape === "anthropic") {
    const cls = (ANTHROPIC_CLASSES[status] ?? Anthropic.APIError) as typeof Anthropic.APIError;
    expect(error).toBeInstanceOf(cls);
    const e = error as InstanceType<typeof Anthropic.APIError>;
    if (!ANTHROPIC_CLASSES[status]) expect(e.constructor).toBe(Anthropic.APIError);
    expect(e.status).toBe(status);
    expect(e.type).toBe(ANTHROPIC_TYPES[status]);
    expect(e.apiMessage).toBe(message);
    expect(e.headers?.get(FAILURE_HEADER)).toBe(failure);
  } else if (t.shape === "openai") {
    const cls = (OPENAI_CLASSES[status] ?? OpenAI.APIError) as typeof OpenAI.APIError;
    expect(error).toBeInstanceOf(cls);
    const e = error as InstanceType<typeof OpenAI.APIError>;
    if (!OPENAI_CLASSES[status]) expect(e.constructor).toBe(OpenAI.APIError);
    expect(e.status).toBe(status);
    expect(e.message).toBe(`${status} ${message}`);
    expect(e.code).toBe(failure);
  } else {
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.status).toBe(status);
    expect(JSON.parse(e.message)).toEqual({
      error: { code: status, message, status: GEMINI_STATUSES[status] },
    });
  }
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let fake: FakeUpstream;
let stacks: Stacks;
beforeAll(async () => {
  fake = await startFakeUpstream();
  const port = await closedPort();
  const nowhere = `http://127.0.0.1:${port}`;
  const [main, limited, unreachable, slow] = await Promise.all([
    startStack({ maxBodyBytes: MAX_BODY }, fake),
    startStack({ rateLimit: "2/60s", stores: { rateLimit: memoryRateLimitStore() } }, fake),
    startStack(
      {
        providers: Object.fromEntries(TARGETS.map((t) => [t.name, { baseUrl: `${nowhere}/${t.name}` }])),
      },
      fake,
    ),
    startStack(
      { timeouts: { headersMs: 150 }, retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20 } },
      fake,
    ),
  ]);
  stacks = { main: main!, limited: limited!, unreachable: unreachable!, slow: slow! };
  // Use up the limited stack's bucket (2 per 60 s, shared by every provider for this key).
  for (const t of TARGETS.slice(0, 2)) {
    const response = await request(stacks.limited, t.path, {
      headers: { ...json, ...t.auth(CLIENT_KEY) },
      body: t.body,
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
});
afterAll(async () => {
  await Promise.all(Object.values(stacks ?? {}).map((s) => s.close()));
  await fake?.close();
});

describe.each(TARGETS)("$name errors", (t) => {
  describe.each(SCENARIOS)("$name", (scenario) => {
    it("is JSON in the provider's shape, with the failure named", async () => {
      const response = await scenario.send(stacks, t);
      expect(response.status).toBe(scenario.status);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get(FAILURE_HEADER)).toBe(scenario.failure);
      await scenario.check?.(response, t);
      const message = messageOf(t.shape, await response.json(), scenario.status, scenario.failure);
      expect(message).toMatch(scenario.message);
    });

    it(`surfaces as the ${t.shape} SDK's typed error with our message`, async () => {
      let message = "";
      const error = await sdkError(t, async () => {
        const response = await scenario.send(stacks, t);
        message = messageOf(t.shape, await response.clone().json(), scenario.status, scenario.failure);
        return response;
      });
      expect(message).toMatch(scenario.message);
      expectTypedSdkError(t, error, scenario.status, scenario.failure, message);
    });
  });
});

describe("errors outside any provider", () => {
  it("an unknown provider prefix is a 404 in OpenAI's shape (the most widely parsed)", async () => {
    const response = await request(stacks.main, "/nope/v1/chat/completions", { headers: json, body: "{}" });
    expect(response.status).toBe(404);
    expect(response.headers.get(FAILURE_HEADER)).toBe("not_found");
    expect(await response.json()).toEqual({
      error: { message: "No route for POST /nope/v1/chat/completions.", type: "not_found", code: 404 },
    });
  });

  it("the headers timeout aborted the upstream request, and it was retried once", async () => {
    fake.reset();
    const t = TARGETS[0]!;
    const response = await SCENARIOS.find((s) => s.failure === "upstream_timeout")!.send(stacks, t);
    expect(response.status).toBe(504);
    await response.arrayBuffer();
    // Both attempts reached the upstream and were abandoned by the gateway.
    await fake.waitForRecord((r) => r.id === fake.records[1]?.id && r.endedAt !== undefined);
    expect(fake.records.map((r) => r.aborted)).toEqual([true, true]);
  });
});
