// gatewayOptionsFromEnv / envSecrets: the adapters' env contract from a plain record (Node, Bun), with the
// same rule as the adapters: a setting whose store is missing is an error naming the fix, never ignored.
import { FAKE_KEYS, replyText, startFakeUpstream } from "@sluice/fake-upstream";
import { describe, expect, it } from "vitest";
import { BASE_URL_ENV, createGateway, envSecrets, gatewayOptionsFromEnv, PROVIDERS } from "../src/index.js";
import { memoryCache, memoryRateLimitStore } from "../src/memory/index.js";

const stores = () => ({ counters: memoryRateLimitStore(), cache: memoryCache() });

describe("envSecrets", () => {
  it("reads each call (a rotated key applies at once) and treats empty values as unset", async () => {
    const env: Record<string, string | undefined> = { ANTHROPIC_API_KEY: "first", OPENAI_API_KEY: "" };
    const secrets = envSecrets(env);
    expect(await secrets.get("ANTHROPIC_API_KEY")).toBe("first");
    env.ANTHROPIC_API_KEY = "rotated";
    expect(await secrets.get("ANTHROPIC_API_KEY")).toBe("rotated");
    expect(await secrets.get("OPENAI_API_KEY")).toBeUndefined();
    expect(await secrets.get("MISSING")).toBeUndefined();
  });
});

describe("gatewayOptionsFromEnv", () => {
  it("names one *_BASE_URL per provider, derived from the provider list", () => {
    expect(Object.keys(BASE_URL_ENV).sort()).toEqual(Object.keys(PROVIDERS).sort());
    expect(BASE_URL_ENV).toMatchObject({ anthropic: "ANTHROPIC_BASE_URL", openai: "OPENAI_BASE_URL" });
  });

  it("takes base URLs, rate limit and cache TTL; blank values are unset", () => {
    const options = gatewayOptionsFromEnv(
      {
        ANTHROPIC_BASE_URL: " http://127.0.0.1:9/anthropic ",
        OPENAI_BASE_URL: "",
        GEMINI_BASE_URL: "   ",
        SLUICE_RATE_LIMIT: "60/60s",
        SLUICE_CACHE_TTL: "300",
      },
      { stores: stores() },
    );
    expect(options.providers).toEqual({ anthropic: { baseUrl: "http://127.0.0.1:9/anthropic" } });
    expect(options.limits).toEqual({ rate: "60/60s" });
    expect(options.cache).toEqual({ ttlSeconds: 300 });
    expect(gatewayOptionsFromEnv({})).toMatchObject({ providers: {}, stores: {} });
    expect(gatewayOptionsFromEnv({})).not.toHaveProperty("limits");
  });

  it("a setting without its store is an error naming the fix, never silently unlimited", () => {
    expect(() => gatewayOptionsFromEnv({ SLUICE_RATE_LIMIT: "60/60s" })).toThrow(/memoryRateLimitStore\(\)/);
    expect(() => gatewayOptionsFromEnv({ SLUICE_CACHE_TTL: "300" })).toThrow(/memoryCache\(\)/);
  });

  it("malformed values are errors that say what to write", () => {
    const s = { stores: stores() };
    expect(() => gatewayOptionsFromEnv({ SLUICE_RATE_LIMIT: "sixty" }, s)).toThrow(/60\/60s/);
    for (const ttl of ["0", "-5", "1.5", "5m"]) {
      expect(() => gatewayOptionsFromEnv({ SLUICE_CACHE_TTL: ttl }, s)).toThrow(/whole number of seconds/);
    }
    expect(() => gatewayOptionsFromEnv({ OPENAI_BASE_URL: "api.openai.com/v1" })).toThrow(
      /OPENAI_BASE_URL .*absolute URL/,
    );
  });

  it("errors never echo a secret", () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-secret-never-shown", SLUICE_RATE_LIMIT: "60/60s" };
    const error = (() => {
      try {
        gatewayOptionsFromEnv(env);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toContain("SLUICE_RATE_LIMIT");
    expect(error?.message).not.toContain("never-shown");
  });

  it("a gateway built from env alone proxies to the *_BASE_URL upstream with the env's keys", async () => {
    const fake = await startFakeUpstream();
    try {
      const gateway = createGateway(
        gatewayOptionsFromEnv({
          ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
          SLUICE_KEYS: "sk-env-client",
          ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
        }),
      );
      const response = await gateway.fetch(
        new Request("http://gw/anthropic/v1/messages", {
          method: "POST",
          headers: { "x-api-key": "sk-env-client", "content-type": "application/json" },
          body: JSON.stringify({
            model: "claude-sonnet-4-6",
            max_tokens: 8,
            messages: [{ role: "user", content: "hi" }],
          }),
        }),
      );
      expect(response.status).toBe(200);
      expect(((await response.json()) as { content: Array<{ text: string }> }).content).toEqual([
        expect.objectContaining({ text: replyText() }),
      ]);
      expect(fake.records.map((r) => r.path)).toEqual(["/anthropic/v1/messages"]);
    } finally {
      await fake.close();
    }
  });
});
