/** `redisFromEnv`: a client when Upstash is configured, none when it is not, an error naming the fix when half is. */
import { configurationErrorResponse } from "@sluice/core/adapter";
import { describe, expect, it } from "vitest";
import { ConfigurationError, redisFromEnv } from "../src/index.js";

describe("redisFromEnv", () => {
  class Client {
    constructor(readonly config: { url: string; token: string; enableTelemetry?: boolean }) {}
  }

  it("builds nothing without the variables, a client with both (Upstash's or Vercel KV's names)", () => {
    expect(redisFromEnv(Client, {})).toBeUndefined();
    expect(
      redisFromEnv(Client, { UPSTASH_REDIS_REST_URL: "https://u", UPSTASH_REDIS_REST_TOKEN: "t" })?.config,
    ).toEqual({ url: "https://u", token: "t", enableTelemetry: false });
    expect(redisFromEnv(Client, { KV_REST_API_URL: "https://k", KV_REST_API_TOKEN: "kt" })?.config.url).toBe(
      "https://k",
    );
  });

  it("throws a ConfigurationError naming the missing half, never the value of the other", () => {
    const half = () =>
      redisFromEnv(Client, { UPSTASH_REDIS_REST_URL: "https://u", UPSTASH_REDIS_REST_TOKEN: "" });
    expect(half).toThrow(ConfigurationError);
    expect(half).toThrow(/UPSTASH_REDIS_REST_TOKEN is not set/);
    let message = "";
    try {
      redisFromEnv(Client, { UPSTASH_REDIS_REST_TOKEN: "secret-token-value" });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("UPSTASH_REDIS_REST_URL is not set");
    expect(message).not.toContain("secret-token-value");
  });

  it("is the adapter kit's ConfigurationError: an adapter answers with the fix, not 'see the logs'", async () => {
    let error: unknown;
    try {
      redisFromEnv(Client, { UPSTASH_REDIS_REST_URL: "https://u" });
    } catch (thrown) {
      error = thrown;
    }
    const request = new Request("https://gateway.example/openai/v1/chat/completions");
    const response = configurationErrorResponse(request, error, { log: () => {} });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("UPSTASH_REDIS_REST_TOKEN is not set");
  });
});
