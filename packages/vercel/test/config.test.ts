/**
 * The configuration rule: a setting whose store is missing fails the start with an error that names the fix,
 * in the caller's provider shape, on every call; nothing runs silently unlimited. In Node with the fake
 * upstream; the same rule inside a real Next.js app is in examples/vercel-nextjs.
 */
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { createHandler, envSecrets, redisFromEnv } from "../src/index.js";

const upstash = inject("upstash");
const KEY = "config-test-client-key";
let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(() => fake.close());
let logged: string[];
beforeEach(() => {
  logged = [];
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void logged.push(line));
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  return () => {
    error.mockRestore();
    log.mockRestore();
  };
});

const baseEnv = () => ({
  ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
  ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
  OPENAI_API_KEY: FAKE_KEYS.openai,
  OPENAI_BASE_URL: fake.baseUrls.openai,
  SLUICE_KEYS: KEY,
});
const anthropicCall = () =>
  new Request("http://app.test/anthropic/v1/messages", {
    method: "POST",
    headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 8,
      messages: [{ role: "user", content: "x" }],
    }),
  });
const openaiCall = () =>
  new Request("http://app.test/openai/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
  });
const noUpstash = (env: Record<string, string>) => () => redisFromEnv(Redis, env);

/** Sends one call and returns its status, the Anthropic-shaped error message, and the failure header. */
async function anthropicError(handler: (r: Request) => Promise<Response>) {
  const response = await handler(anthropicCall());
  const body = (await response.json()) as { type?: string; error?: { type?: string; message?: string } };
  return { status: response.status, body, failure: response.headers.get("x-sluice-failure") };
}

describe("a setting that needs a missing store", () => {
  it("SLUICE_RATE_LIMIT without Upstash refuses all of 70 parallel calls, naming the variables to set", async () => {
    const env = { ...baseEnv(), SLUICE_RATE_LIMIT: "5/60s" };
    const handler = createHandler({ secrets: envSecrets(env), redis: noUpstash(env) });
    const before = fake.records.length;
    const answers = await Promise.all(Array.from({ length: 70 }, () => anthropicError(handler)));
    expect(answers.map((a) => a.status)).toEqual(Array(70).fill(500));
    expect(fake.records.length).toBe(before);
    const [first] = answers;
    expect(first?.failure).toBe("internal_error");
    expect(first?.body.type).toBe("error");
    expect(first?.body.error?.type).toBe("api_error");
    const message = first?.body.error?.message ?? "";
    expect(message).toContain(
      'SLUICE_RATE_LIMIT is "5/60s" but there is no counters store (rate limits): it needs Upstash Redis',
    );
    expect(message).toContain("the `redis` option returned no client");
    expect(message).toContain("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
    expect(logged.some((line) => line.includes("SLUICE_RATE_LIMIT"))).toBe(true);
    for (const secret of [...Object.values(FAKE_KEYS), KEY])
      expect(JSON.stringify(answers)).not.toContain(secret);
  });

  it("says so without a redis option too, and in OpenAI's shape on an OpenAI route", async () => {
    const env = { ...baseEnv(), SLUICE_RATE_LIMIT: "5/60s" };
    const response = await createHandler({ secrets: envSecrets(env) })(openaiCall());
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("server_error");
    expect(body.error.message).toContain("the handler has no `redis` option");
  });

  it("a limits.rate option, SLUICE_CACHE_TTL, SLUICE_ADMIN_KEY, managedKeys and usage fail the same way", async () => {
    const cases: [Record<string, string>, Parameters<typeof createHandler>[0], string][] = [
      [{}, { limits: { rate: "5/60s" } }, "The `limits.rate` option needs Upstash Redis"],
      [
        { SLUICE_CACHE_TTL: "60" },
        {},
        'SLUICE_CACHE_TTL is "60" but there is no cache store: it needs Upstash',
      ],
      [
        { SLUICE_ADMIN_KEY: "config-admin" },
        {},
        "SLUICE_ADMIN_KEY (managed keys, budgets and usage counters)",
      ],
      [{}, { managedKeys: true }, "`managedKeys` needs Upstash Redis"],
      [{}, { usage: true }, "`usage` needs Upstash Redis"],
      [{ SLUICE_CACHE_TTL: "soon" }, {}, 'SLUICE_CACHE_TTL is "soon": set it to a whole number of seconds'],
      [{ SLUICE_RATE_LIMIT: "lots" }, {}, 'SLUICE_RATE_LIMIT is "lots": write it as requests/window'],
    ];
    for (const [extra, options, expected] of cases) {
      const env = { ...baseEnv(), ...extra };
      const { status, body } = await anthropicError(
        createHandler({ ...options, secrets: envSecrets(env), redis: noUpstash(env) }),
      );
      expect([status, body.error?.message]).toEqual([500, expect.stringContaining(expected)]);
      expect(body.error?.message).not.toContain("config-admin");
    }
  });

  it("is retried on the next request, so fixing the environment needs no redeploy of the code", async () => {
    const env: Record<string, string> = { ...baseEnv(), SLUICE_RATE_LIMIT: "1/3600s" };
    const handler = createHandler({
      secrets: envSecrets(env),
      redis: () => redisFromEnv(Redis, env),
    });
    expect((await anthropicError(handler)).status).toBe(500);
    Object.assign(env, { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token });
    expect((await handler(anthropicCall())).status).toBe(200);
    expect((await anthropicError(handler)).status).toBe(429);
  });

  it("without any such setting and without Upstash, it proxies (the README snippet as written)", async () => {
    const env = baseEnv();
    const handler = createHandler({ secrets: envSecrets(env), redis: noUpstash(env) });
    expect((await handler(anthropicCall())).status).toBe(200);
    expect((await handler(openaiCall())).status).toBe(200);
    // An explicit opt-out keeps the admin key from demanding a store.
    const optedOut = createHandler({
      secrets: envSecrets({ ...env, SLUICE_ADMIN_KEY: "config-admin" }),
      redis: noUpstash(env),
      managedKeys: false,
    });
    expect((await optedOut(anthropicCall())).status).toBe(200);
  });
});
