/**
 * The provider's rate-limit headers describe the account whose key made the call. With the operator's key
 * that account is shared by every client key, so its remaining requests and tokens would show each client
 * the others' traffic: they are withheld, unless the operator opts in. With BYOK they are the caller's own.
 * Sluice's metrics still read them.
 */
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memorySecrets } from "../src/memory/index.js";
import { anthropicHeaders, bearerHeaders, post, type Stack, startStack } from "./helpers.js";

const ANTHROPIC = JSON.stringify({
  model: "claude-haiku-4-5",
  max_tokens: 16,
  messages: [{ role: "user", content: "hi" }],
});
const OPENAI = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
const rateLimitHeaders = (headers: Headers) =>
  [...headers.keys()].filter((name) => /^(anthropic-ratelimit-|x-ratelimit-)/.test(name));

let shared: Stack;
let optedIn: Stack;
let byok: Stack;
beforeAll(async () => {
  shared = await startStack();
  optedIn = await startStack({ upstream: { providerRateLimitHeaders: true } }, shared.fake);
  byok = await startStack({ clients: { byok: true } }, shared.fake);
});
afterAll(async () => {
  await optedIn?.close();
  await byok?.close();
  await shared?.close();
});

describe("provider rate-limit headers", () => {
  it("are withheld on operator-key calls, streamed or not, while request ids and content type pass", async () => {
    for (const body of [ANTHROPIC, ANTHROPIC.replace("{", '{"stream":true,')]) {
      const response = await post(`${shared.url}/anthropic/v1/messages`, body, anthropicHeaders());
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(rateLimitHeaders(response.headers)).toEqual([]);
      expect(response.headers.get("request-id")).toMatch(/^req_/);
      expect(response.headers.get("content-type")).toBeTruthy();
    }
    const openai = await post(`${shared.url}/openai/v1/chat/completions`, OPENAI, bearerHeaders());
    await openai.arrayBuffer();
    expect(openai.status).toBe(200);
    expect(rateLimitHeaders(openai.headers)).toEqual([]);
    expect(openai.headers.get("x-request-id")).toBeTruthy();
  });

  it("still reach the call's metric point", async () => {
    const response = await post(`${shared.url}/anthropic/v1/messages`, ANTHROPIC, anthropicHeaders());
    await response.arrayBuffer();
    await shared.flush();
    const point = shared.metrics.points.at(-1)!;
    expect(point.upstreamRequestsRemaining).toBeGreaterThan(0);
    expect(point.upstreamTokensRemaining).toBeGreaterThan(0);
  });

  it("pass with `upstream.providerRateLimitHeaders`", async () => {
    const response = await post(`${optedIn.url}/anthropic/v1/messages`, ANTHROPIC, anthropicHeaders());
    await response.arrayBuffer();
    expect(response.headers.get("anthropic-ratelimit-requests-remaining")).toMatch(/^\d+$/);
    const openai = await post(`${optedIn.url}/openai/v1/chat/completions`, OPENAI, bearerHeaders());
    await openai.arrayBuffer();
    expect(openai.headers.get("x-ratelimit-remaining-requests")).toMatch(/^\d+$/);
  });

  it("pass on a BYOK call: the account is the caller's own", async () => {
    const response = await post(
      `${byok.url}/anthropic/v1/messages`,
      ANTHROPIC,
      anthropicHeaders(FAKE_KEYS.anthropic),
    );
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(response.headers.get("anthropic-ratelimit-tokens-remaining")).toMatch(/^\d+$/);
  });

  it("are withheld on a BYOK call that a fallback answered with the operator's key", async () => {
    const own = "sk-ant-callers-own-key-000000001";
    const fake = await startFakeUpstream({ keys: { anthropic: [own, FAKE_KEYS.anthropic] } });
    const stack = await startStack(
      {
        secrets: memorySecrets({ ANTHROPIC_API_KEY: FAKE_KEYS.anthropic }),
        providers: { anthropic: { baseUrl: fake.baseUrls.anthropic } },
        clients: { byok: true },
        upstream: { retry: { maxRetries: 0 }, fallbacks: { "*": [{ keySecret: "ANTHROPIC_API_KEY" }] } },
      },
      fake,
    );
    try {
      const id = crypto.randomUUID();
      const response = await post(`${stack.url}/anthropic/v1/messages`, ANTHROPIC, {
        ...anthropicHeaders(own),
        "x-fake-fault": `status=529,times=1,id=${id}`,
      });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      // The primary (the caller's key) was overloaded; the fallback used the operator's.
      const keys = fake.records.slice(-2).map((r) => r.headers["x-api-key"]);
      expect(keys).toEqual([own, FAKE_KEYS.anthropic]);
      expect(rateLimitHeaders(response.headers)).toEqual([]);
    } finally {
      await stack.close();
      await fake.close();
    }
  });
});
