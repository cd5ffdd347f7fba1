/** Settings, secrets, backend naming, the abort polyfill and Core Cache details, against the stand-ins. */
import { afterEach, describe, expect, test } from "vitest";
import {
  SluiceAbortController,
  backendFetch,
  coreCache,
  dynamicBackendName,
  ensureAbortController,
  ensureRequestSignal,
  secretStoreSecrets,
  readSettings,
  resolveBackend,
} from "../src/index.js";
import { type Backend, resetDynamicBackends } from "./stand-ins/backend.js";
import { cacheEntries } from "./stand-ins/cache.js";
import {
  declareBackend,
  fastlyState,
  linkConfigStore,
  linkSecretStore,
  resetRuntime,
} from "./stand-ins/state.js";

afterEach(() => {
  resetRuntime();
  resetDynamicBackends();
});

describe("readSettings (Config Store)", () => {
  test("reads base URLs, backends, rate, cache, flags and the log endpoint", () => {
    linkConfigStore("s1", {
      anthropic_base_url: "https://llm-proxy.example.com/anthropic",
      anthropic_backend: "claude_proxy",
      groq_enabled: "false",
      rate_limit: "100/60s",
      cache_ttl_seconds: "120",
      cache_shared: "true",
      byok: "yes",
      fail_open: "0",
      base_path: "/llm",
      log_endpoint: "bq",
    });
    const settings = readSettings("s1");
    expect(settings.gateway).toEqual({
      providers: {
        anthropic: { baseUrl: "https://llm-proxy.example.com/anthropic" },
        groq: { enabled: false },
      },
      limits: { rate: "100/60s", failOpen: false },
      cache: { ttlSeconds: 120, shared: true },
      clients: { byok: true },
      basePath: "/llm",
    });
    expect(settings.backends).toEqual({ anthropic: "claude_proxy" });
    expect(settings.logEndpoint).toBe("bq");
  });
  test("'off' and 0 turn the rate limit and the cache off; an empty store sets nothing", () => {
    linkConfigStore("s2", { rate_limit: "off", cache_ttl_seconds: "0" });
    expect(readSettings("s2").gateway).toEqual({ limits: { rate: false }, cache: false });
    linkConfigStore("s3", {});
    expect(readSettings("s3")).toEqual({ gateway: {}, backends: {} });
  });
  test("a bad value or a missing store is an error that says what to fix", () => {
    linkConfigStore("s4", { cache_ttl_seconds: "soon" });
    expect(() => readSettings("s4")).toThrow(/cache_ttl_seconds/);
    expect(() => readSettings("nope")).toThrow('Config Store "nope" is not linked');
  });
});

describe("secretStoreSecrets (Secret Store)", () => {
  test("reads each name once per instance; a missing store says so without naming any value", async () => {
    linkSecretStore("sec", { OPENAI_API_KEY: "sk-secret-value" });
    const secrets = secretStoreSecrets("sec");
    expect(await secrets.get("OPENAI_API_KEY")).toBe("sk-secret-value");
    fastlyState.secretStores.get("sec")!.set("OPENAI_API_KEY", "rotated");
    expect(await secrets.get("OPENAI_API_KEY")).toBe("sk-secret-value");
    expect(await secretStoreSecrets("sec").get("OPENAI_API_KEY")).toBe("rotated"); // a new instance reads again
    await expect(async () => secretStoreSecrets("missing").get("X")).rejects.toThrow(
      'Secret Store "missing"',
    );
  });
});

describe("backends", () => {
  const url = new URL("https://api.anthropic.com/v1/messages");
  test("host mapping, then provider mapping, then dynamic or the provider's own name", () => {
    expect(resolveBackend(url, "anthropic", {})).toEqual({ name: "anthropic", dynamic: false });
    expect(resolveBackend(url, "anthropic", { providers: { anthropic: "claude" } }).name).toBe("claude");
    expect(
      resolveBackend(url, "anthropic", {
        providers: { anthropic: "claude" },
        hosts: { "api.anthropic.com": "h" },
      }).name,
    ).toBe("h");
    expect(resolveBackend(url, "anthropic", { dynamic: true })).toEqual({
      name: "sluice_https_api_anthropic_com",
      dynamic: true,
    });
    expect(dynamicBackendName(new URL("http://127.0.0.1:8787/x"))).toBe("sluice_http_127_0_0_1_8787");
  });

  test("dynamic backends: created once per origin with TLS settings from the URL, then reused", async () => {
    const seen: unknown[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (async (_input: unknown, init: { backend: Backend }) => {
      seen.push(init.backend);
      return new Response("ok");
    }) as never;
    try {
      const upstream = backendFetch({ dynamic: { firstByteTimeout: 30_000 } });
      await upstream("https://api.openai.com/v1/chat/completions", { method: "POST" }, "openai");
      await upstream("https://api.openai.com/v1/models", { method: "GET" }, "openai");
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBe(seen[1]);
      const backend = seen[0] as Backend;
      expect(backend.configuration).toEqual({
        name: "sluice_https_api_openai_com",
        target: "api.openai.com",
        hostOverride: "api.openai.com",
        useSSL: true,
        sniHostname: "api.openai.com",
        certificateHostname: "api.openai.com",
        firstByteTimeout: 30_000,
      });
      // A later instance finds the backend by name instead of creating a duplicate (which Fastly refuses).
      await backendFetch({ dynamic: true })("https://api.openai.com/v1/models", {}, "openai");
      expect(seen[2]).toBe(backend);
    } finally {
      globalThis.fetch = original;
    }
  });

  test("the upstream call rejects when core aborts it, even though Fastly's fetch takes no signal", async () => {
    declareBackend("openai", { target: "127.0.0.1:9" });
    const original = globalThis.fetch;
    let received: Record<string, unknown> = {};
    globalThis.fetch = ((_input: unknown, init: Record<string, unknown>) => {
      received = init;
      return new Promise(() => {});
    }) as never;
    try {
      const control = new SluiceAbortController();
      const call = backendFetch()(
        "https://api.openai.com/v1/models",
        { signal: control.signal as never, redirect: "manual" },
        "openai",
      );
      control.abort(new Error("upstream headers timeout"));
      await expect(call).rejects.toThrow("upstream headers timeout");
      expect(Object.keys(received).sort()).toEqual(["backend"]);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe("abort polyfill (Fastly has no AbortController)", () => {
  test("installs only where missing, and behaves as core needs", () => {
    expect(ensureAbortController({ AbortController: class {} })).toBe(false);
    const bare: Record<string, unknown> = {};
    expect(ensureAbortController(bare)).toBe(true);
    const Controller = bare.AbortController as typeof SluiceAbortController;
    const control = new Controller();
    const heard: string[] = [];
    const listener = () => heard.push("removed");
    control.signal.addEventListener("abort", () => heard.push("once"), { once: true });
    control.signal.addEventListener("abort", listener);
    control.signal.removeEventListener("abort", listener);
    control.abort();
    control.abort();
    expect(heard).toEqual(["once"]);
    expect(control.signal.aborted).toBe(true);
    expect((control.signal.reason as Error).name).toBe("AbortError");
    expect(() => control.signal.throwIfAborted()).toThrow();
  });
  test("a request without a signal gets one that never aborts; one with a signal keeps it", () => {
    const bare = ensureRequestSignal({ url: "https://x" }) as unknown as { signal: { aborted: boolean } };
    expect(bare.signal.aborted).toBe(false);
    const request = new Request("https://x");
    expect(ensureRequestSignal(request).signal).toBe(request.signal);
  });
});

describe("coreCache details", () => {
  test("prefixes keys, sets maxAge in ms and length, and passes `sensitive`", async () => {
    const cache = coreCache({ prefix: "p:", sensitive: true });
    await cache.set("k", Uint8Array.of(1, 2, 3), 1.5);
    const stored = cacheEntries.get("p:k")!;
    expect(stored.maxAge).toBe(1500);
    expect(stored.sensitive).toBe(true);
    expect(await cache.get("k")).toEqual(Uint8Array.of(1, 2, 3));
    fastlyState.offsetMs = 1500;
    expect(await cache.get("k")).toBeNull();
  });
});
