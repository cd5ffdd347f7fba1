/**
 * The provider's rate-limit headers describe the account whose key made the call. With the operator's key
 * that account is shared by every client key, so its remaining requests and tokens would show each client
 * the others' traffic: they are withheld, unless the operator opts in. With BYOK they are the caller's own.
 * Sluice's metrics still read them.
 */
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memorySecrets } from "../src/memory/index.js";
import { PROVIDERS } from "../src/providers/index.js";
import { clientResponseHeaders } from "../src/upstream/headers.js";
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
beforeAll(async () => {
  shared = await startStack();
  optedIn = await startStack({ upstream: { providerRateLimitHeaders: true } }, shared.fake);
});
afterAll(async () => {
  await optedIn?.close();
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

  it("an account header stays one when a provider's response list names it too (a custom spec)", () => {
    const spec = {
      ...PROVIDERS.openai,
      headers: {
        request: { names: [] },
        response: { names: ["x-request-id"], prefixes: ["x-ratelimit-"] },
        account: { names: [], prefixes: ["x-ratelimit-"] },
      },
    };
    const upstream = new Headers({ "x-ratelimit-remaining-requests": "9", "x-request-id": "req_1" });
    const withheld = clientResponseHeaders(upstream, false, spec, undefined, false);
    expect([...withheld.keys()]).toEqual(["x-request-id"]);
    const passed = clientResponseHeaders(upstream, false, spec, undefined, true);
    expect(passed.get("x-ratelimit-remaining-requests")).toBe("9");
  });

  describe("on BYOK calls", () => {
    // The caller's own key and the operator's are different accounts at the fake upstream.
    const own = "sk-ant-callers-own-key-000000001";
    let fake: FakeUpstream;
    let stack: Stack;
    beforeAll(async () => {
      fake = await startFakeUpstream({ keys: { anthropic: [own, FAKE_KEYS.anthropic] } });
      stack = await startStack(
        {
          secrets: memorySecrets({ ANTHROPIC_API_KEY: FAKE_KEYS.anthropic }),
          providers: { anthropic: { baseUrl: fake.baseUrls.anthropic } },
          clients: { byok: true },
          upstream: {
            retry: { maxRetries: 0 },
            fallbacks: {
              // Another model on the caller's own key, and the operator's key.
              "claude-haiku-4-5": [{ model: "claude-sonnet-4-5" }],
              "claude-opus-4-1": [{ keySecret: "ANTHROPIC_API_KEY" }],
            },
          },
        },
        fake,
      );
    });
    afterAll(async () => {
      await stack?.close();
      await fake?.close();
    });
    /** A call whose first attempt is overloaded (529), so its fallback answers. */
    async function overloadedFirst(model: string) {
      const response = await post(
        `${stack.url}/anthropic/v1/messages`,
        ANTHROPIC.replace("claude-haiku-4-5", model),
        {
          ...anthropicHeaders(own),
          "x-fake-fault": `status=529,times=1,id=${crypto.randomUUID()}`,
        },
      );
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      return { response, keys: fake.records.slice(-2).map((r) => r.headers["x-api-key"]) };
    }

    it("pass when the caller's own key answered", async () => {
      const response = await post(`${stack.url}/anthropic/v1/messages`, ANTHROPIC, anthropicHeaders(own));
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(fake.records.at(-1)!.headers["x-api-key"]).toBe(own);
      expect(response.headers.get("anthropic-ratelimit-tokens-remaining")).toMatch(/^\d+$/);
    });

    it("pass when a fallback answered with the caller's own key", async () => {
      const { response, keys } = await overloadedFirst("claude-haiku-4-5");
      expect(keys).toEqual([own, own]);
      expect(response.headers.get("anthropic-ratelimit-tokens-remaining")).toMatch(/^\d+$/);
    });

    it("are withheld when a fallback answered with the operator's key", async () => {
      const { response, keys } = await overloadedFirst("claude-opus-4-1");
      expect(keys).toEqual([own, FAKE_KEYS.anthropic]);
      expect(rateLimitHeaders(response.headers)).toEqual([]);
    });
  });
});
