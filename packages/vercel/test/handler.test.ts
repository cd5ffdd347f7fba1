/**
 * The handler's own logic (what the environment fills in, the start-up failure path), in Node with the
 * fake upstream and the Upstash bridge; its behaviour inside Vercel's runtime is in e2e.test.ts.
 */
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createHandler, envSecrets } from "../src/index.js";

const upstash = inject("upstash");
let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(() => fake.close());

const call = (handler: (r: Request) => Promise<Response>, key: string) =>
  handler(
    new Request("http://edge.test/anthropic/v1/messages", {
      method: "POST",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      }),
    }),
  );

describe("createHandler", () => {
  it("takes base URLs, SLUICE_RATE_LIMIT and the Upstash stores from the environment, lazily", async () => {
    const env: Record<string, string> = {};
    const pending: Promise<unknown>[] = [];
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const handler = createHandler({
      secrets: envSecrets(env),
      redis: () => new Redis({ url: upstash.url, token: upstash.token, enableTelemetry: false }),
      waitUntil: (p) => void pending.push(p),
    });
    // Set after construction: nothing may have been read yet.
    Object.assign(env, {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
      SLUICE_KEYS: "handler-test-key-1",
      SLUICE_RATE_LIMIT: "2/3600s",
    });
    try {
      expect((await call(handler, "handler-test-key-1")).status).toBe(200);
      expect((await call(handler, "handler-test-key-1")).status).toBe(200);
      const third = await call(handler, "handler-test-key-1");
      expect(third.status).toBe(429);
      expect(third.headers.get("retry-after")).toBeTruthy();
      await Promise.all(pending);
      expect(lines.filter((l) => l.includes('"event":"sluice.metric"')).length).toBe(3);
    } finally {
      log.mockRestore();
    }
  });

  it("turns managed keys on with SLUICE_ADMIN_KEY (or managedKeys), and leaves them off otherwise", async () => {
    const redis = () => new Redis({ url: upstash.url, token: upstash.token, enableTelemetry: false });
    const keysRoute = (handler: (r: Request) => Promise<Response>, auth = "Bearer handler-admin") =>
      handler(new Request("http://edge.test/_sluice/keys", { headers: { authorization: auth } }));
    const off = createHandler({ secrets: envSecrets({}), redis });
    expect((await keysRoute(off)).status).toBe(404);
    const on = createHandler({ secrets: envSecrets({ SLUICE_ADMIN_KEY: "handler-admin" }), redis });
    const listed = await keysRoute(on);
    expect(listed.status).toBe(200);
    expect(Array.isArray((await listed.json()).keys)).toBe(true);
    expect((await keysRoute(on, "Bearer wrong")).status).toBe(401);
    const optedOut = createHandler({
      secrets: envSecrets({ SLUICE_ADMIN_KEY: "handler-admin" }),
      redis,
      managedKeys: false,
    });
    expect((await keysRoute(optedOut)).status).toBe(404);
    // Asked for without an admin key: the store is there, the admin API says the secret is missing.
    const locked = createHandler({
      secrets: envSecrets({}),
      redis,
      managedKeys: { primaryLookups: true },
    });
    expect((await keysRoute(locked)).status).toBe(403);
  });

  it("answers a JSON 500 without details when it cannot start, and retries on the next request", async () => {
    let attempts = 0;
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const handler = createHandler({
      secrets: envSecrets({ SLUICE_KEYS: "k" }),
      redis: () => {
        attempts++;
        throw new Error("UPSTASH_REDIS_REST_URL is missing");
      },
    });
    try {
      const response = await call(handler, "k");
      expect(response.status).toBe(500);
      expect(response.headers.get("x-sluice-failure")).toBe("internal_error");
      const body = await response.json();
      expect(body.error.type).toBe("api_error");
      expect(JSON.stringify(body)).not.toContain("UPSTASH");
      await call(handler, "k");
      expect(attempts).toBe(2);
      expect(String(errors.mock.calls[0]?.[0])).toContain("UPSTASH_REDIS_REST_URL is missing");
    } finally {
      errors.mockRestore();
    }
  });
});
