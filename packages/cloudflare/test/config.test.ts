// How `env` becomes gateway options: bindings switch features on, wrong ones fail with the fix.
import { sha256Hex } from "@sluice/core";
import { memoryMetrics } from "@sluice/core/memory";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import {
  ConfigurationError,
  createHandler,
  createWorker,
  gatewayOptionsFromEnv,
  type SluiceEnv,
} from "../src/index.js";

describe("gatewayOptionsFromEnv", () => {
  test("every binding present: every feature on, base URLs from env", () => {
    const { options, features } = gatewayOptionsFromEnv(env);
    expect(features).toEqual({
      counters: "durable-object",
      cache: true,
      metrics: true,
      objects: true,
      presignUpload: true,
      hydrate: false,
      uploads: false,
      requestLog: false,
      sessions: true,
      workersAi: false,
      managedKeys: true,
      usage: true,
    });
    expect(options.limits?.rate).toBe("3/600s");
    expect(options.providers?.anthropic?.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(options.cache).toEqual({ ttlSeconds: 300 });
  });

  test("gateway.providers merges into the env base URLs field by field, never replaces them", () => {
    const vars = env as unknown as Record<string, string>;
    const { options } = gatewayOptionsFromEnv(env, {
      gateway: { providers: { anthropic: { keyPool: "ANTHROPIC_KEYS" }, groq: { enabled: false } } },
    });
    // The same provider's other fields and every other provider's base URL from env survive.
    expect(options.providers?.anthropic).toEqual({
      keyPool: "ANTHROPIC_KEYS",
      baseUrl: vars.ANTHROPIC_BASE_URL,
    });
    expect(options.providers?.openai).toEqual({ baseUrl: vars.OPENAI_BASE_URL });
    expect(options.providers?.gemini).toEqual({ baseUrl: vars.GEMINI_BASE_URL });
    expect(options.providers?.groq).toEqual({ enabled: false });
    // An explicit base URL still wins over env.
    const explicit = gatewayOptionsFromEnv(env, {
      gateway: () => ({ providers: { openai: { baseUrl: "https://proxy.example/v1" } } }),
    });
    expect(explicit.options.providers?.openai).toEqual({ baseUrl: "https://proxy.example/v1" });
    expect(explicit.options.providers?.anthropic).toEqual({ baseUrl: vars.ANTHROPIC_BASE_URL });
  });

  test("no bindings at all: a plain proxy, every optional feature off", () => {
    const { options, features } = gatewayOptionsFromEnv({ ANTHROPIC_API_KEY: "x" });
    expect(features).toEqual({
      counters: "off",
      cache: false,
      metrics: false,
      objects: false,
      presignUpload: false,
      hydrate: false,
      uploads: false,
      requestLog: false,
      sessions: false,
      workersAi: false,
      managedKeys: false,
      usage: false,
    });
    expect(options.limits?.rate).toBeUndefined();
    expect(options.cache).toBeUndefined();
  });

  test("opt-in features: on when asked, off by default, and a missing binding names the fix", () => {
    const on = gatewayOptionsFromEnv(env, { hydrate: true, uploads: true, requestLog: true });
    expect(on.features).toMatchObject({ hydrate: true, uploads: true, requestLog: true, sessions: true });
    expect(on.options.middleware).toHaveLength(3);
    expect(on.uploads).toBeTypeOf("function");
    expect(gatewayOptionsFromEnv(env, { sessions: false }).features.sessions).toBe(false);
    expect(gatewayOptionsFromEnv(env).options.middleware).toHaveLength(1);
    expect(() => gatewayOptionsFromEnv({ ...env, OBJECTS: undefined }, { hydrate: true })).toThrow(
      /hydrate needs an R2 bucket.*"r2_buckets"/,
    );
    expect(() => gatewayOptionsFromEnv({ ...env, AI: { run: 1 } })).toThrow(
      /env\.AI is set but is not a Workers AI binding/,
    );
  });

  test("without the Durable Object, the rate-limiting binding is used", () => {
    const { features } = gatewayOptionsFromEnv({ ...env, RATE_LIMITER: undefined, KEYS: undefined });
    expect(features.counters).toBe("rate-limiting-binding");
  });

  test("managedKeys and usage: on with KEYS and USAGE, off with `false`, and managed keys need the rate-limiter Durable Object", () => {
    const on = gatewayOptionsFromEnv(env);
    const onKeys = on.options.clients?.keys;
    expect(onKeys && typeof onKeys.put).toBe("function");
    expect(on.options.stores?.usage).toBeDefined();
    const off = gatewayOptionsFromEnv(env, { managedKeys: false, usage: false });
    expect(off.options.clients?.keys).toBeUndefined();
    expect(off.options.stores?.usage).toBeUndefined();
    expect(off.features).toMatchObject({ managedKeys: false, usage: false });
    // The rate-limiting binding counts calls, not tokens: budgets there would be silently wrong.
    expect(() => gatewayOptionsFromEnv({ ...env, RATE_LIMITER: undefined })).toThrow(
      /Managed keys \(env\.KEYS\) need the RATE_LIMITER Durable Object/,
    );
    expect(() => gatewayOptionsFromEnv({ ...env, KEYS: env.CACHE })).toThrow(
      /env\.KEYS is set but is not a Durable Object namespace/,
    );
    // `gateway.clients.keys` still wins over what is read from env.
    const mine = gatewayOptionsFromEnv(env, { gateway: { clients: { keys: false } } });
    expect(mine.options.clients?.keys).toBe(false);
    expect(mine.features.managedKeys).toBe(false);
  });

  test("managedKeys: true and usage: true without their Durable Object: an error naming the binding to add", () => {
    const bare = { ...env, KEYS: undefined, USAGE: undefined };
    expect(gatewayOptionsFromEnv(bare).features).toMatchObject({ managedKeys: false, usage: false });
    expect(() => gatewayOptionsFromEnv(bare, { managedKeys: true })).toThrow(
      /`managedKeys` is on but env\.KEYS is not bound: add \{ "name": "KEYS", "class_name": "SluiceKeys" \}/,
    );
    expect(() => gatewayOptionsFromEnv(bare, { managedKeys: { name: "team" } })).toThrow(ConfigurationError);
    expect(() => gatewayOptionsFromEnv(bare, { usage: true })).toThrow(
      /`usage` is on but env\.USAGE is not bound: add \{ "name": "USAGE", "class_name": "SluiceUsage" \}/,
    );
    expect(gatewayOptionsFromEnv(env, { managedKeys: true, usage: true }).features).toMatchObject({
      managedKeys: true,
      usage: true,
    });
  });

  test("managedKeys: { name } keeps its keys in another SluiceKeys object", async () => {
    const record = { id: `named-${crypto.randomUUID()}`, hash: await sha256Hex(crypto.randomUUID()) };
    const team = gatewayOptionsFromEnv(env, { managedKeys: { name: "team", staticKeys: false } }).options;
    const teamKeys = team.clients?.keys || undefined;
    if (!teamKeys?.put) throw new Error("expected a managed key store");
    await teamKeys.put(record);
    expect(await teamKeys.lookup(record.hash)).toMatchObject({ id: record.id });
    const usual = gatewayOptionsFromEnv(env, { managedKeys: { staticKeys: false } }).options.clients?.keys;
    expect(usual && (await usual.lookup(record.hash))).toBeNull();
  });

  test("counters: its options reach the Durable Object store (a deterministic shard choice)", async () => {
    const key = `counters-option:${crypto.randomUUID()}`;
    const policy = { capacity: 8, refillPerSecond: 0 };
    const sharded = gatewayOptionsFromEnv(env, { counters: { shards: () => 4, random: () => 0.6 } }).options
      .stores?.counters;
    // Shard 2 of 4 holds 2 of the 8: one taken leaves 1, reported times the shard count.
    expect(await sharded?.take(key, 1, policy)).toEqual({ allowed: true, remaining: 4, retryAfterMs: 0 });
    const whole = gatewayOptionsFromEnv(env).options.stores?.counters;
    expect(await whole?.take(`${key}:whole`, 1, policy)).toEqual({
      allowed: true,
      remaining: 7,
      retryAfterMs: 0,
    });
  });

  test("counters.bindingPeriodSeconds: the rate-limiting binding's denial waits that period", async () => {
    const { options, features } = gatewayOptionsFromEnv(
      { ...env, RATE_LIMITER: undefined, KEYS: undefined },
      { counters: { bindingPeriodSeconds: 10 } },
    );
    expect(features.counters).toBe("rate-limiting-binding");
    const key = `binding-period:${crypto.randomUUID()}`;
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await options.stores?.counters?.take(key, 1, { capacity: 1000, refillPerSecond: 1000 }));
    expect(results[3]).toMatchObject({ allowed: false, retryAfterMs: 10_000 });
  });

  test("staticKeys: false stops accepting the SLUICE_KEYS secret's keys", async () => {
    const hash = await sha256Hex("sk-sluice-test-gw");
    const both = gatewayOptionsFromEnv(env).options.clients?.keys;
    const managedOnly = gatewayOptionsFromEnv(env, { managedKeys: { staticKeys: false } }).options.clients
      ?.keys;
    expect(both && (await both.lookup(hash))).toMatchObject({ hash });
    expect(managedOnly && (await managedOnly.lookup(hash))).toBeNull();
  });

  test("custom binding names, and `false` to turn a present binding's feature off", () => {
    const { features } = gatewayOptionsFromEnv(
      { LIMITS: env.RATE_LIMITER, RESPONSES: env.CACHE, METRICS: env.METRICS },
      { bindings: { rateLimiter: "LIMITS", cache: "RESPONSES" }, metrics: false },
    );
    expect(features).toMatchObject({ counters: "durable-object", cache: true, metrics: false });
  });

  test("SLUICE_RATE_LIMIT without any rate-limit binding: an error saying what to add to wrangler config", () => {
    expect(() => gatewayOptionsFromEnv({ SLUICE_RATE_LIMIT: "60/60s" })).toThrow(ConfigurationError);
    expect(() => gatewayOptionsFromEnv({ SLUICE_RATE_LIMIT: "60/60s" })).toThrow(
      /new_sqlite_classes.*SluiceRateLimiter.*"ratelimits" binding named "RATE_LIMIT"/,
    );
  });

  test("SLUICE_CACHE_TTL without the KV binding, or malformed: an error naming the fix, not a cache left off", () => {
    expect(() => gatewayOptionsFromEnv({ SLUICE_CACHE_TTL: "60" })).toThrow(
      /"kv_namespaces" in wrangler config/,
    );
    expect(() => gatewayOptionsFromEnv({ ...env, SLUICE_CACHE_TTL: "soon" })).toThrow(
      /whole number of seconds/,
    );
    expect(gatewayOptionsFromEnv({ ...env, SLUICE_CACHE_TTL: "60" }).options.cache).toEqual({
      ttlSeconds: 60,
    });
  });

  test("a binding of the wrong kind is named in the error", () => {
    expect(() => gatewayOptionsFromEnv({ CACHE: "not a namespace" })).toThrow(/env\.CACHE .*KV namespace/);
  });
});

describe("createHandler", () => {
  test("a configuration error answers 500 with the fix and no secret, in the addressed provider's error shape", async () => {
    const handler = createHandler();
    const broken = { ANTHROPIC_API_KEY: "sk-ant-secret-value-1234", SLUICE_RATE_LIMIT: "60/60s" };
    const response = await handler(new Request("https://x/healthz"), broken, createExecutionContext());
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error.type).toBe("internal_error");
    expect(response.headers.get("x-sluice-failure")).toBe("internal_error");
    expect(text).toContain("RATE_LIMITER");
    expect(text).not.toContain("sk-ant-secret-value-1234");
    const onAnthropic = await handler(
      new Request("https://x/anthropic/v1/messages", { method: "POST" }),
      broken,
      createExecutionContext(),
    );
    expect(onAnthropic.status).toBe(500);
    expect(await onAnthropic.json()).toMatchObject({ type: "error", error: { message: /RATE_LIMITER/ } });
  });

  test("extra gateway options (here a second metrics sink) reach core; ctx.waitUntil carries the write", async () => {
    const recorded = memoryMetrics();
    const handler = createHandler({ metrics: false, gateway: { metrics: recorded } });
    const ctx = createExecutionContext();
    const response = await handler(
      new Request("https://x/anthropic/v1/messages", {
        method: "POST",
        headers: { "x-api-key": "sk-sluice-test-gw", "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 8,
          messages: [{ role: "user", content: "m" }],
        }),
      }),
      env,
      ctx,
    );
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await waitOnExecutionContext(ctx);
    expect(recorded.points).toHaveLength(1);
    expect(recorded.points[0]).toMatchObject({
      provider: "anthropic",
      status: 200,
      route: "anthropic.messages",
    });
    expect(recorded.points[0]?.keyId).toMatch(/^key_[0-9a-f]{12}$/);
    expect(JSON.stringify(recorded.points)).not.toContain(env.ANTHROPIC_API_KEY);
  });
});

describe("types", () => {
  test("createWorker fits a wrangler-typed Env (no index signature), untyped or typed", () => {
    // Compile-time checks (tsc -p test); at run time, both are handlers with a fetch.
    const untyped: ExportedHandler<Cloudflare.Env> = createWorker();
    const typed: ExportedHandler<Cloudflare.Env> = createWorker<Cloudflare.Env>({
      gateway: (e) => ({ basePath: e.R2_BUCKET_NAME === "never" ? "/never" : "" }),
    });
    const sluiceOnly: ExportedHandler<SluiceEnv> = createWorker<SluiceEnv>({
      gateway: (e) => ({ basePath: e.SLUICE_RATE_LIMIT === "never" ? "/never" : "" }),
    });
    expect(typeof sluiceOnly.fetch).toBe("function");
    expect(typeof untyped.fetch).toBe("function");
    expect(typeof typed.fetch).toBe("function");
  });
});
