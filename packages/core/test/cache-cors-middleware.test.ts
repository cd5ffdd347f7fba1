/** The response cache, CORS, user middleware and basePath mounting, through a real gateway and upstream. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Middleware } from "../src/index.js";
import { keyIdFromHash, sha256Hex } from "../src/index.js";
import { memoryCache } from "../src/memory/index.js";
import {
  CLIENT_KEY,
  OTHER_CLIENT_KEY,
  type Stack,
  anthropicHeaders,
  bearerHeaders,
  post,
  startStack,
} from "./helpers.js";

const ORIGIN = "https://app.example";

/** What the user middleware saw, per call. */
const visits: { client?: string; model: string }[] = [];
const userMiddleware: Middleware = async (ctx, next) => {
  visits.push({ client: ctx.client?.id, model: ctx.model });
  if (ctx.request.headers.get("x-test-answer") === "self") {
    return new Response(JSON.stringify({ answered: "by middleware" }), {
      status: 418,
      headers: { "content-type": "application/json" },
    });
  }
  const response = await next();
  response.headers.set("x-test-decorated", `seen ${ctx.model}`);
  return response;
};

let stack: Stack;
let mounted: Stack;
beforeAll(async () => {
  stack = await startStack({
    cache: { ttlSeconds: 60 },
    stores: { cache: memoryCache() },
    cors: { origins: [ORIGIN] },
    middleware: [userMiddleware],
  });
  mounted = await startStack({ basePath: "/llm/" }, stack.fake);
});
afterAll(async () => {
  await mounted.close();
  await stack.close();
});
beforeEach(async () => {
  await stack.flush();
  await mounted.flush();
  stack.fake.reset();
  stack.metrics.points.length = 0;
  visits.length = 0;
});

/** A body no other test sends, so cache entries never cross tests. */
const body = (label: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-4-6",
    max_tokens: 16,
    messages: [{ role: "user", content: `${label} ${Math.random()}` }],
    ...extra,
  });

async function call(payload: string, headers: Record<string, string> = {}, key = CLIENT_KEY) {
  const response = await post(`${stack.url}/anthropic/v1/messages`, payload, {
    ...anthropicHeaders(key),
    ...headers,
  });
  const text = await response.text();
  // Cache writes happen after the response, in waitUntil.
  await stack.flush();
  return { response, text };
}

describe("response cache", () => {
  it("misses, then hits with the same bytes and no upstream call", async () => {
    const payload = body("hit");
    const first = await call(payload);
    const second = await call(payload);
    expect(first.response.headers.get("x-sluice-cache")).toBe("MISS");
    expect(second.response.headers.get("x-sluice-cache")).toBe("HIT");
    expect(second.response.status).toBe(200);
    expect(second.response.headers.get("content-type")).toBe(first.response.headers.get("content-type"));
    expect(second.text).toBe(first.text);
    expect(stack.fake.records).toHaveLength(1);
    expect(stack.metrics.points.map((p) => [p.cache, p.costUsd > 0])).toEqual([
      ["MISS", true],
      ["HIT", false],
    ]);
  });

  it("is bypassed by cache-control: no-cache", async () => {
    const payload = body("bypass");
    await call(payload);
    const bypassed = await call(payload, { "cache-control": "no-cache" });
    expect(bypassed.response.headers.get("x-sluice-cache")).toBe("BYPASS");
    expect(stack.fake.records).toHaveLength(2);
  });

  it("is scoped per client key", async () => {
    const payload = body("scope");
    await call(payload);
    const other = await call(payload, {}, OTHER_CLIENT_KEY);
    expect(other.response.headers.get("x-sluice-cache")).toBe("MISS");
    expect(stack.fake.records).toHaveLength(2);
    // Each key now has its own entry.
    expect((await call(payload, {}, OTHER_CLIENT_KEY)).response.headers.get("x-sluice-cache")).toBe("HIT");
    expect((await call(payload)).response.headers.get("x-sluice-cache")).toBe("HIT");
    expect(stack.fake.records).toHaveLength(2);
  });

  it("never caches a streamed call", async () => {
    const payload = body("stream", { stream: true });
    const first = await call(payload);
    const second = await call(payload);
    expect(first.text).toContain("event: message_stop");
    expect(second.response.headers.get("x-sluice-cache")).toBeNull();
    expect(stack.fake.records).toHaveLength(2);
  });

  it("never caches an error, upstream or gateway-made", async () => {
    for (const fault of ["status=400", "status=529", "truncated-json", "wrong-content-type"]) {
      stack.fake.reset();
      const payload = body(`error ${fault}`);
      const failed = await call(payload, { "x-fake-fault": fault });
      expect(failed.response.status, fault).toBeGreaterThanOrEqual(400);
      // Same bytes again, now without the fault: a cached error would be served here.
      const retried = await call(payload);
      expect(retried.response.status, fault).toBe(200);
      expect(retried.response.headers.get("x-sluice-cache"), fault).toBe("MISS");
      expect(stack.fake.records.length, fault).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("CORS", () => {
  const preflight = (origin: string, headers = "x-api-key, anthropic-version, x-stainless-lang") =>
    fetch(`${stack.url}/anthropic/v1/messages`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
    });

  it("answers a preflight from an allowed origin with 204", async () => {
    const response = await preflight(ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe(
      "x-api-key, anthropic-version, x-stainless-lang",
    );
    expect(response.headers.get("access-control-max-age")).toBe("600");
    expect(response.headers.get("vary")).toMatch(/origin/i);
    expect(stack.fake.records).toHaveLength(0);
  });

  it("refuses a preflight from a foreign origin with 403", async () => {
    const response = await preflight("https://evil.example");
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("puts CORS headers on actual responses, errors included, for an allowed origin only", async () => {
    const ok = await call(body("cors"), { origin: ORIGIN });
    expect(ok.response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(ok.response.headers.get("access-control-expose-headers")).toContain("x-sluice-failure");

    const foreign = await call(body("cors foreign"), { origin: "https://evil.example" });
    expect(foreign.response.status).toBe(200);
    expect(foreign.response.headers.get("access-control-allow-origin")).toBeNull();

    // A browser can read only errors that carry the headers: auth failures, limits, unknown routes.
    const denied = await call(body("cors 401"), { origin: ORIGIN }, "not-a-key");
    expect(denied.response.status).toBe(401);
    expect(denied.response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const upstreamError = await call(body("cors 529"), { origin: ORIGIN, "x-fake-fault": "status=400" });
    expect(upstreamError.response.status).toBe(400);
    expect(upstreamError.response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const notFound = await post(`${stack.url}/anthropic/v1/nope`, "{}", { origin: ORIGIN });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    // Answered at the front of the chain, and still inside the one CORS middleware.
    const health = await fetch(`${stack.url}/healthz`, { headers: { origin: ORIGIN } });
    expect(health.status).toBe(200);
    expect(health.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const wrongMethod = await fetch(`${stack.url}/anthropic/v1/messages`, { headers: { origin: ORIGIN } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });
});

describe("user middleware", () => {
  it("runs after auth: it sees the client, and unauthenticated calls never reach it", async () => {
    const denied = await call(body("mw 401"), {}, "not-a-key");
    expect(denied.response.status).toBe(401);
    expect(visits).toEqual([]);

    const ok = await call(body("mw ok"));
    expect(ok.response.status).toBe(200);
    expect(visits).toEqual([
      { client: keyIdFromHash(await sha256Hex(CLIENT_KEY)), model: "claude-sonnet-4-6" },
    ]);
  });

  it("can decorate the response", async () => {
    const ok = await call(body("mw decorate"));
    expect(ok.response.headers.get("x-test-decorated")).toBe("seen claude-sonnet-4-6");
  });

  it("can answer itself, and then nothing goes upstream", async () => {
    const answered = await call(body("mw self"), { "x-test-answer": "self" });
    expect(answered.response.status).toBe(418);
    expect(JSON.parse(answered.text)).toEqual({ answered: "by middleware" });
    expect(stack.fake.records).toHaveLength(0);
  });

  it("runs for every provider", async () => {
    const response = await post(
      `${stack.url}/openai/v1/chat/completions`,
      JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }] }),
      bearerHeaders(),
    );
    expect(response.headers.get("x-test-decorated")).toBe("seen gpt-4.1-mini");
    await response.arrayBuffer();
  });
});

describe("basePath", () => {
  it("serves every route under the mount path, and nothing outside it", async () => {
    const inside = await post(
      `${mounted.url}/llm/anthropic/v1/messages`,
      body("mounted"),
      anthropicHeaders(),
    );
    expect(inside.status).toBe(200);
    await inside.arrayBuffer();
    expect(stack.fake.records.map((r) => r.path)).toEqual(["/anthropic/v1/messages"]);

    const health = await fetch(`${mounted.url}/llm/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const outside = await post(`${mounted.url}/anthropic/v1/messages`, body("outside"), anthropicHeaders());
    expect(outside.status).toBe(404);
    await outside.arrayBuffer();
    const lookalike = await post(
      `${mounted.url}/llmx/anthropic/v1/messages`,
      body("lookalike"),
      anthropicHeaders(),
    );
    expect(lookalike.status).toBe(404);
    await lookalike.arrayBuffer();
    expect(stack.fake.records).toHaveLength(1);
  });
});
