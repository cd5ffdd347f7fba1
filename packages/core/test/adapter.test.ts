// @sluice/core/adapter: what every adapter shares, tested once here (each adapter's own suite runs it in its runtime).
import { describe, expect, it, vi } from "vitest";
import {
  backgroundTasks,
  ConfigurationError,
  configurationErrorResponse,
  readSettings,
  withStaticKeys,
} from "../src/adapter/index.js";
import type { ManagedKeyStore } from "../src/index.js";
import { memoryCache, memoryKeyStore, memoryRateLimitStore } from "../src/memory/index.js";
import { sha256Hex } from "../src/util/crypto.js";

const FIX = { rateLimit: "bind the LIMITER", cache: "bind the CACHE" };
const env = (values: Record<string, string>) => (name: string) => values[name];

describe("readSettings", () => {
  it("reads base URLs, the rate limit and the cache TTL when their stores exist", () => {
    const settings = readSettings(
      env({ GROQ_BASE_URL: " http://127.0.0.1:1/groq ", SLUICE_RATE_LIMIT: "5/60s", SLUICE_CACHE_TTL: "30" }),
      { stores: { counters: memoryRateLimitStore(), cache: memoryCache() }, fix: FIX },
    );
    expect(settings).toEqual({
      providers: { groq: { baseUrl: "http://127.0.0.1:1/groq" } },
      rateLimit: "5/60s",
      cache: { ttlSeconds: 30 },
    });
  });

  it("a setting whose store is missing is a ConfigurationError naming the platform's fix", () => {
    const read = (values: Record<string, string>) => () => readSettings(env(values), { fix: FIX });
    expect(read({ SLUICE_RATE_LIMIT: "5/60s" })).toThrow(ConfigurationError);
    expect(read({ SLUICE_RATE_LIMIT: "5/60s" })).toThrow(
      /no counters store \(rate limits\): bind the LIMITER/,
    );
    expect(read({ SLUICE_CACHE_TTL: "30" })).toThrow(/no cache store: bind the CACHE/);
  });

  it("a malformed value is an error too, never a feature quietly left off", () => {
    const stores = { counters: memoryRateLimitStore(), cache: memoryCache() };
    const read = (values: Record<string, string>) => () => readSettings(env(values), { stores, fix: FIX });
    expect(read({ SLUICE_RATE_LIMIT: "lots" })).toThrow(/requests\/window, e\.g\. 60\/60s/);
    for (const ttl of ["abc", "0", "-5", "1.5"])
      expect(read({ SLUICE_CACHE_TTL: ttl })).toThrow(/whole number/);
    expect(read({ OPENAI_BASE_URL: "api.openai.com/v1" })).toThrow(/OPENAI_BASE_URL .*absolute URL/);
  });

  it("a malformed base URL is not quoted: a key pasted into it never reaches a client's error", () => {
    // Every call answers this message (configurationErrorResponse) until the setting is fixed.
    const pasted = "sk-ant-api03-pasted-into-the-wrong-variable";
    let message = "";
    try {
      readSettings(env({ ANTHROPIC_BASE_URL: pasted }), { fix: FIX });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ANTHROPIC_BASE_URL is not an absolute URL/);
    expect(message).not.toContain(pasted);
  });

  it("empty values are unset, and provider options given in code win field by field", () => {
    const settings = readSettings(env({ SLUICE_RATE_LIMIT: " ", ANTHROPIC_BASE_URL: "http://env/a" }), {
      fix: FIX,
      providers: { anthropic: { enabled: true }, openai: { baseUrl: "http://code/o" } },
    });
    expect(settings).toEqual({
      providers: {
        anthropic: { enabled: true, baseUrl: "http://env/a" },
        openai: { baseUrl: "http://code/o" },
      },
    });
  });
});

describe("withStaticKeys", () => {
  it("looks static keys up first: a static key works while the managed store is down", async () => {
    const managed = memoryKeyStore() as ManagedKeyStore;
    const lookup = vi.spyOn(managed, "lookup").mockRejectedValue(new Error("store down"));
    const keys = withStaticKeys(managed, { get: () => "sk-static-1" });
    expect(await keys.lookup(await sha256Hex("sk-static-1"))).toMatchObject({
      hash: await sha256Hex("sk-static-1"),
    });
    expect(lookup).not.toHaveBeenCalled();
    await expect(keys.lookup(await sha256Hex("sk-other"))).rejects.toThrow("store down");
  });

  it("finds managed keys after the static ones; management reaches the store only", async () => {
    const managed = memoryKeyStore() as ManagedKeyStore;
    const hash = await sha256Hex("sk-managed-1");
    const keys = withStaticKeys(
      managed,
      { get: (name) => (name === "TEAM_KEYS" ? "sk-static-2" : undefined) },
      {
        secretName: "TEAM_KEYS",
        grants: [{ endpoint: "files" }] as never,
      },
    );
    await keys.put({ id: "key_m", hash });
    expect((await keys.lookup(hash))?.id).toBe("key_m");
    expect((await keys.list()).map((r) => r.id)).toEqual(["key_m"]);
    expect(await keys.lookup(await sha256Hex("sk-static-2"))).toMatchObject({
      grants: [{ endpoint: "files" }],
    });
  });
});

describe("configurationErrorResponse", () => {
  const quiet = { log: () => {} };
  it("answers 500 in the addressed provider's error shape, with the fix when it is a ConfigurationError", async () => {
    const error = new ConfigurationError("bind the LIMITER");
    const anthropic = configurationErrorResponse(new Request("https://x/llm/anthropic/v1/messages"), error, {
      ...quiet,
      basePath: "/llm",
    });
    expect(anthropic.status).toBe(500);
    expect(anthropic.headers.get("x-sluice-failure")).toBe("internal_error");
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { message: /bind the LIMITER/ } });
    const elsewhere = configurationErrorResponse(new Request("https://x/healthz"), error, quiet);
    expect(await elsewhere.json()).toMatchObject({
      error: { type: "internal_error", message: /bind the LIMITER/ },
    });
  });

  it("keeps any other error's message in the log, out of the answer", async () => {
    const lines: string[] = [];
    const response = configurationErrorResponse(
      new Request("https://x/openai/v1/chat/completions"),
      new Error("token sk-secret-1234 rejected"),
      { log: (line) => lines.push(line) },
    );
    expect(await response.text()).not.toContain("sk-secret-1234");
    expect(lines.join()).toContain("sk-secret-1234");
  });
});

describe("backgroundTasks", () => {
  it("drain waits for every task, including ones started while draining; a failed task does not end it", async () => {
    const tasks = backgroundTasks();
    const done: string[] = [];
    let release!: () => void;
    tasks.waitUntil(new Promise<void>((resolve) => (release = resolve)).then(() => void done.push("first")));
    tasks.waitUntil(Promise.reject(new Error("a sink failed")));
    expect(tasks.pending).toBe(2);
    const drained = tasks.drain().then(() => done.push("drained"));
    tasks.waitUntil(new Promise((resolve) => setTimeout(resolve, 20)).then(() => void done.push("late")));
    release();
    await drained;
    expect(done).toEqual(["first", "late", "drained"]);
    expect(tasks.pending).toBe(0);
  });
});
