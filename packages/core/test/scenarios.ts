/** The error scenarios shared by errors.test.ts and leaks.test.ts: every failure path, for every provider. */
import { createServer } from "node:net";
import type { FakeUpstream } from "@sluice/fake-upstream";
import { expect } from "vitest";
import { memoryRateLimitStore } from "../src/memory/index.js";
import { CLIENT_KEY, type Stack, startStack } from "./helpers.js";

export type Shape = "anthropic" | "openai" | "gemini";

export interface Target {
  name: "anthropic" | "openai" | "gemini" | "groq" | "cerebras";
  shape: Shape;
  path: string;
  unknownPath: string;
  auth: (key: string) => Record<string, string>;
  body: string;
}

const chat = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export const TARGETS: Target[] = [
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

export const MAX_BODY = 1024;

export interface Stacks {
  main: Stack;
  limited: Stack;
  unreachable: Stack;
  slow: Stack;
}

export interface Scenario {
  name: string;
  status: number;
  failure: string;
  /** Our message, as the body must carry it. */
  message: RegExp;
  send: (stacks: Stacks, t: Target) => Promise<Response>;
  /** Extra checks on the raw response. */
  check?: (response: Response, t: Target) => void | Promise<void>;
}

export function request(
  stack: Stack,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: BodyInit; duplex?: "half" } = {},
) {
  return fetch(`${stack.url}${path}`, { method: "POST", ...init } as RequestInit);
}

export const json = { "content-type": "application/json" };

export const SCENARIOS: Scenario[] = [
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

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The stacks the scenarios need, sharing one fake upstream: `main` (small body limit), `limited` (rate limit
 * 2/60 s, already used up), `unreachable` (upstream on a closed port), `slow` (150 ms headers timeout).
 */
export async function startErrorStacks(fake: FakeUpstream): Promise<Stacks> {
  const port = await closedPort();
  const nowhere = `http://127.0.0.1:${port}`;
  const [main, limited, unreachable, slow] = await Promise.all([
    startStack({ limits: { maxBodyBytes: MAX_BODY } }, fake),
    startStack({ limits: { rate: "2/60s" }, stores: { counters: memoryRateLimitStore() } }, fake),
    startStack(
      {
        providers: Object.fromEntries(TARGETS.map((t) => [t.name, { baseUrl: `${nowhere}/${t.name}` }])),
      },
      fake,
    ),
    startStack(
      {
        upstream: { timeouts: { headersMs: 150 }, retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20 } },
      },
      fake,
    ),
  ]);
  const stacks = { main: main!, limited: limited!, unreachable: unreachable!, slow: slow! };
  // Use up the limited stack's bucket (2 per 60 s, shared by every provider for this key).
  for (const t of TARGETS.slice(0, 2)) {
    const response = await request(stacks.limited, t.path, {
      headers: { ...json, ...t.auth(CLIENT_KEY) },
      body: t.body,
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
  return stacks;
}
