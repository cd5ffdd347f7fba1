/**
 * Secret hygiene against a hostile upstream (`startKeyEcho`) that quotes the key it was sent in its body,
 * headers, redirect Location, CORS headers and in-stream error events: no operator key (primary, secondary,
 * pool, fallback) ever reaches the client. And what the upstream receives is only the allow-listed headers.
 */
import { request as httpRequest } from "node:http";
import { type KeyEcho, startKeyEcho } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memorySecrets } from "../src/memory/index.js";
import { CLIENT_KEY, type Stack, startStack } from "./helpers.js";

const OPERATOR = {
  ANTHROPIC_API_KEY: "sk-ant-operator-primary-Q1W2E3R4T5Y6",
  ANTHROPIC_API_KEY_SECONDARY: "sk-ant-operator-secondary-U7I8O9P0",
  OPENAI_API_KEY: "sk-operator-openai-primary-A1S2D3F4",
  OPENAI_POOL: "sk-operator-openai-pool-one-G5H6J7K8,sk-operator-openai-pool-two-L9Z8X7C6",
  GEMINI_API_KEY: "AIzaOperatorGeminiPrimaryKey0123456789",
  FALLBACK_KEY: "sk-ant-operator-fallback-V5B4N3M2",
};
const SECRETS = [...Object.values(OPERATOR).flatMap((v) => v.split(",")), CLIENT_KEY];

let echo: KeyEcho;
let stack: Stack;
let corsStack: Stack;

function assertClean(status: number, headers: Headers, body: string): void {
  const seen = `${status}\n${[...headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${body}`;
  for (const secret of SECRETS) expect(seen, `leaked ${secret.slice(0, 12)}…`).not.toContain(secret);
  // Even a prefix long enough to identify the key is gone.
  for (const secret of SECRETS) expect(seen).not.toContain(secret.slice(0, 20));
}

async function call(
  s: Stack,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<{ response: Response; body: string }> {
  const response = await fetch(`${s.url}${path}`, init);
  return { response, body: await response.text() };
}

const anthropic = (extra: Record<string, string> = {}) => ({
  "content-type": "application/json",
  "x-api-key": CLIENT_KEY,
  "anthropic-version": "2023-06-01",
  ...extra,
});
const messageBody = (stream = false) =>
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 16,
    stream,
    messages: [{ role: "user", content: "hi" }],
  });

beforeAll(async () => {
  echo = await startKeyEcho();
  const options = {
    secrets: memorySecrets({ ...OPERATOR, SLUICE_KEYS: CLIENT_KEY }),
    providers: {
      anthropic: { baseUrl: echo.url },
      openai: { baseUrl: `${echo.url}/v1`, keyPool: "OPENAI_POOL" },
      gemini: { baseUrl: echo.url },
    },
    upstream: { retry: { maxRetries: 0 }, fallbacks: { "claude-fallback": [{ keySecret: "FALLBACK_KEY" }] } },
  };
  stack = await startStack(options);
  corsStack = await startStack({ ...options, cors: { origins: ["https://app.example"] } });
});
afterAll(async () => {
  await stack?.close();
  await corsStack?.close();
  await echo?.close();
});

describe("no provider key reaches the client, whatever the upstream echoes", () => {
  for (const status of [400, 404, 413, 422, 429, 500, 529]) {
    it(`an Anthropic ${status} quoting the key in body and headers keeps its status, without the key`, async () => {
      const { response, body } = await call(stack, `/anthropic/v1/messages?echo=status-${status}`, {
        method: "POST",
        headers: anthropic(),
        body: messageBody(),
      });
      expect(response.status).toBe(status);
      expect(body).toContain("[redacted]");
      assertClean(response.status, response.headers, body);
    });
  }

  it("an OpenAI 400 through a key pool: neither pool key is quoted back", async () => {
    const { response, body } = await call(stack, "/openai/v1/chat/completions?echo=status-400", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(400);
    assertClean(response.status, response.headers, body);
  });

  it("a streamed call answered with an error status is read whole and scrubbed", async () => {
    const { response, body } = await call(stack, "/anthropic/v1/messages?echo=status-500", {
      method: "POST",
      headers: anthropic(),
      body: messageBody(true),
    });
    expect(response.status).toBe(500);
    assertClean(response.status, response.headers, body);
  });

  it("a fallback target's own key is scrubbed from its error", async () => {
    const { response, body } = await call(stack, "/anthropic/v1/messages?echo=status-400", {
      method: "POST",
      headers: anthropic(),
      body: JSON.stringify({
        model: "claude-fallback",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      }),
    });
    expect(response.status).toBe(400);
    assertClean(response.status, response.headers, body);
  });

  it("a redirect is refused (502), its Location never passed on, on JSON and pass-through routes", async () => {
    for (const [path, init] of [
      ["/anthropic/v1/messages?echo=redirect", { method: "POST", body: messageBody() }],
      ["/anthropic/v1/models?echo=redirect", { method: "GET" }],
    ] as const) {
      const { response, body } = await call(stack, path, {
        ...init,
        headers: anthropic(),
        redirect: "manual",
      });
      expect(response.status, path).toBe(502);
      expect(response.headers.get("location")).toBeNull();
      assertClean(response.status, response.headers, body);
    }
  });

  it("an in-stream error event quoting the key is scrubbed", async () => {
    const { response, body } = await call(stack, "/anthropic/v1/messages?echo=stream-error", {
      method: "POST",
      headers: anthropic(),
      body: messageBody(true),
    });
    expect(response.status).toBe(200);
    expect(body).toContain("event: error");
    expect(body).toContain("[redacted]");
    assertClean(response.status, response.headers, body);
  });

  it("a success answer quoting the key is scrubbed", async () => {
    const { response, body } = await call(stack, "/anthropic/v1/messages?echo=json", {
      method: "POST",
      headers: anthropic(),
      body: messageBody(),
    });
    expect(response.status).toBe(200);
    assertClean(response.status, response.headers, body);
  });

  it("pass-through answers (a 404 and a 200) are scrubbed", async () => {
    for (const mode of ["status-404", "json"]) {
      const { response, body } = await call(stack, `/anthropic/v1/models/nope?echo=${mode}`, {
        headers: anthropic(),
      });
      expect(response.status).toBe(mode === "json" ? 200 : 404);
      assertClean(response.status, response.headers, body);
    }
  });

  it("Gemini's key (sent as x-goog-api-key) is scrubbed too", async () => {
    const { response, body } = await call(
      stack,
      "/gemini/v1beta/models/gemini-2.5-flash:generateContent?echo=status-400",
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": CLIENT_KEY },
        body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
      },
    );
    expect(response.status).toBe(400);
    assertClean(response.status, response.headers, body);
  });
});

describe("headers cross only through the allow-lists", () => {
  it("the upstream's cookies, identity and CORS headers never reach the client (CORS off)", async () => {
    const { response } = await call(stack, "/anthropic/v1/messages?echo=status-400", {
      method: "POST",
      headers: anthropic({ origin: "https://evil.example" }),
      body: messageBody(),
    });
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("x-echo-key")).toBeNull();
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("with CORS on, a disallowed origin gets no CORS headers and an allowed one gets only Sluice's", async () => {
    const denied = await call(corsStack, "/anthropic/v1/messages?echo=json", {
      method: "POST",
      headers: anthropic({ origin: "https://evil.example" }),
      body: messageBody(),
    });
    expect(denied.response.headers.get("access-control-allow-origin")).toBeNull();
    expect(denied.response.headers.get("access-control-allow-credentials")).toBeNull();
    const allowed = await call(corsStack, "/anthropic/v1/messages?echo=json", {
      method: "POST",
      headers: anthropic({ origin: "https://app.example" }),
      body: messageBody(),
    });
    expect(allowed.response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(allowed.response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("the upstream receives only allow-listed request headers: no org/project selector, hop-by-hop, identity or cookie", async () => {
    echo.records.length = 0;
    await call(stack, "/openai/v1/chat/completions?echo=json", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${CLIENT_KEY}`,
        "openai-organization": "org-victim",
        "openai-project": "proj-victim",
        "openai-beta": "assistants=v2",
        "x-forwarded-for": "203.0.113.9",
        cookie: "session=abc",
        "x-http-method-override": "DELETE",
        "x-stainless-lang": "js",
        "x-trace-id": "t-1",
      },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    });
    const received = echo.records.at(-1)!;
    expect(received.target).toBe("/v1/chat/completions?echo=json");
    const names = Object.keys(received.headers);
    for (const name of [
      "openai-organization",
      "openai-project",
      "x-forwarded-for",
      "cookie",
      "x-http-method-override",
    ])
      expect(names).not.toContain(name);
    expect(received.headers["openai-beta"]).toBe("assistants=v2");
    expect(received.headers["x-stainless-lang"]).toBe("js");
    expect(received.headers["x-trace-id"]).toBe("t-1");
    expect(received.headers.authorization).toMatch(/^Bearer sk-operator-openai-pool-/);
  });

  it("Anthropic gets its version and beta headers; Gemini never gets x-goog-user-project", async () => {
    echo.records.length = 0;
    await call(stack, "/anthropic/v1/messages?echo=json", {
      method: "POST",
      headers: anthropic({ "anthropic-beta": "files-api-2025-04-14" }),
      body: messageBody(),
    });
    const a = echo.records.at(-1)!;
    expect(a.headers["anthropic-version"]).toBe("2023-06-01");
    expect(a.headers["anthropic-beta"]).toBe("files-api-2025-04-14");
    expect(a.headers["x-api-key"]).toBe(OPERATOR.ANTHROPIC_API_KEY);
    await call(stack, "/gemini/v1beta/models/gemini-2.5-flash:generateContent?echo=json", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-goog-api-key": CLIENT_KEY,
        "x-goog-user-project": "victim",
      },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });
    expect(Object.keys(echo.records.at(-1)!.headers)).not.toContain("x-goog-user-project");
  });

  it("Expect: 100-continue works on Node: not forwarded (Node's fetch refuses it, which was a 502)", async () => {
    echo.records.length = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const body = messageBody();
      const request = httpRequest(`${stack.url}/anthropic/v1/messages?echo=json`, {
        method: "POST",
        headers: {
          ...anthropic(),
          expect: "100-continue",
          "content-length": String(Buffer.byteLength(body)),
        },
      });
      request.on("continue", () => request.end(body));
      request.on("response", (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      });
      request.on("error", reject);
    });
    expect(status).toBe(200);
    expect(Object.keys(echo.records.at(-1)!.headers)).not.toContain("expect");
  });
});
