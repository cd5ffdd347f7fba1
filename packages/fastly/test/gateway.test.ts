/**
 * The whole handler in Node: `fastly:*` stand-ins for the platform, the fake upstream for the providers.
 * The fetch stand-in connects to the backend a request names (as Fastly does), not to the URL's host,
 * and the Config Store points every base URL at a host that does not resolve: a call only works if it
 * named the right backend.
 */
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { createHandler, type FastlyHandlerOptions } from "../src/index.js";
import { resetDynamicBackends } from "./stand-ins/backend.js";
import { fastlyFetch } from "./stand-ins/fetch.js";
import {
  declareBackend,
  fastlyState,
  linkConfigStore,
  linkSecretStore,
  resetRuntime,
} from "./stand-ins/state.js";

const CLIENT_KEY = "sluice-fastly-client-0001";
const SECRETS = {
  ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
  OPENAI_API_KEY: FAKE_KEYS.openai,
  GEMINI_API_KEY: FAKE_KEYS.gemini,
  GROQ_API_KEY: FAKE_KEYS.groq,
  CEREBRAS_API_KEY: FAKE_KEYS.cerebras,
  SLUICE_KEYS: CLIENT_KEY,
};
const PROVIDERS = ["anthropic", "openai", "gemini", "groq", "cerebras"] as const;

let fake: FakeUpstream;
let fakeHost: string;

/** Base URLs on hosts that do not exist, with the fake's path prefixes: only the backend can route them. */
function unroutableBaseUrls(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PROVIDERS) {
    const real = new URL(fake.baseUrls[name]);
    out[`${name}_base_url`] = `http://${name}.upstream.invalid${real.pathname}`;
  }
  return out;
}

/** Runs one request through the handler like Fastly would, then waits for its waitUntil work. */
async function call(handle: ReturnType<typeof createHandler>, path: string, init: RequestInit) {
  const pending: Promise<unknown>[] = [];
  const response = await handle({
    request: new Request(`https://sluice.edgecompute.app${path}`, init),
    waitUntil: (p) => pending.push(p),
  });
  return { response, settled: () => Promise.all(pending) };
}

const bodies = {
  anthropic: [
    "/anthropic/v1/messages",
    { model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "hi" }] },
  ],
  openai: [
    "/openai/v1/chat/completions",
    { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
  ],
  gemini: [
    "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
    { contents: [{ parts: [{ text: "hi" }] }] },
  ],
  groq: [
    "/groq/openai/v1/chat/completions",
    { model: "llama-3.1-8b-instant", messages: [{ role: "user", content: "hi" }] },
  ],
  cerebras: [
    "/cerebras/v1/chat/completions",
    { model: "llama3.1-8b", messages: [{ role: "user", content: "hi" }] },
  ],
} as const;

function clientHeaders(provider: (typeof PROVIDERS)[number]): Record<string, string> {
  const base = { "content-type": "application/json" };
  if (provider === "anthropic")
    return { ...base, "x-api-key": CLIENT_KEY, "anthropic-version": "2023-06-01" };
  if (provider === "gemini") return { ...base, "x-goog-api-key": CLIENT_KEY };
  return { ...base, authorization: `Bearer ${CLIENT_KEY}` };
}

function post(
  handle: ReturnType<typeof createHandler>,
  provider: (typeof PROVIDERS)[number],
  extra = {},
  body?: object,
) {
  const [path, json] = bodies[provider];
  return call(handle, path, {
    method: "POST",
    headers: { ...clientHeaders(provider), ...extra },
    body: JSON.stringify(body ?? json),
  });
}

function setup(config: Record<string, string> = {}, options: FastlyHandlerOptions = {}) {
  linkConfigStore("sluice_config", { ...unroutableBaseUrls(), ...config });
  return createHandler({ ...options, upstream: { retry: { maxRetries: 0 }, ...options.upstream } });
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  fakeHost = new URL(fake.url).host;
  vi.stubGlobal("fetch", fastlyFetch);
  linkSecretStore("sluice_secrets", SECRETS);
  for (const name of PROVIDERS) declareBackend(name, { target: fakeHost });
  declareBackend("claude_proxy", { target: fakeHost });
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  resetRuntime();
  resetDynamicBackends();
});

describe("backends", () => {
  test.each(PROVIDERS)(
    "%s: the upstream call names its provider's backend and carries the provider key",
    async (provider) => {
      const handle = setup();
      const { response } = await post(handle, provider);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(fastlyState.fetches.map((f) => f.backend)).toEqual([provider]);
      expect(fastlyState.fetches[0]!.url).toContain(`${provider}.upstream.invalid`);
      const [record] = fake.records;
      expect(record!.provider).toBe(provider);
      const sent = JSON.stringify(record!.headers);
      expect(sent).toContain(FAKE_KEYS[provider]);
      expect(sent).not.toContain(CLIENT_KEY);
    },
  );

  test("the Config Store can send a provider through another backend (<provider>_backend)", async () => {
    const handle = setup({ anthropic_backend: "claude_proxy" });
    const { response } = await post(handle, "anthropic");
    expect(response.status).toBe(200);
    expect(fastlyState.fetches.map((f) => f.backend)).toEqual(["claude_proxy"]);
  });

  test("hosts map a base URL's host to a backend", async () => {
    const handle = setup({}, { backends: { hosts: { "openai.upstream.invalid": "claude_proxy" } } });
    expect((await post(handle, "openai")).response.status).toBe(200);
    expect(fastlyState.fetches.map((f) => f.backend)).toEqual(["claude_proxy"]);
  });

  test("dynamic backends are created for the base URL's origin", async () => {
    const handle = setup({ groq_base_url: fake.baseUrls.groq }, { backends: { dynamic: true } });
    expect((await post(handle, "groq")).response.status).toBe(200);
    const [fetched] = fastlyState.fetches;
    expect(fetched!.backend).toBe(`sluice_http_${fakeHost.replace(/[.:]/g, "_")}`);
  });

  test("an undeclared backend fails as a provider-shaped 502, not a crash", async () => {
    const handle = setup({ cerebras_backend: "not_declared" });
    const { response } = await post(handle, "cerebras");
    expect(response.status).toBe(502);
    expect((await response.json()) as object).toHaveProperty("error");
  });
});

describe("streaming and keys", () => {
  test("an SSE stream arrives while the upstream is still sending", async () => {
    const handle = setup();
    const [, json] = bodies.anthropic;
    const { response } = await post(
      handle,
      "anthropic",
      { "x-fake-fault": "drip=200", "x-fake-events": "5" },
      {
        ...json,
        stream: true,
      },
    );
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("event: message_start");
    expect(fake.records[0]!.completed).toBe(false);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toContain("event: message_stop");
  });

  test("no client key or a wrong one is refused before any upstream call", async () => {
    const handle = setup();
    for (const key of [undefined, "wrong-key"]) {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
      };
      if (key) headers["x-api-key"] = key;
      const { response } = await call(handle, bodies.anthropic[0], {
        method: "POST",
        headers,
        body: JSON.stringify(bodies.anthropic[1]),
      });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(JSON.parse(text)).toHaveProperty("error");
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    }
    expect(fastlyState.fetches).toHaveLength(0);
  });

  test("works on a Fastly-like Request without `signal`", async () => {
    const handle = setup();
    class FastlyLikeRequest extends Request {
      override get signal(): AbortSignal {
        return undefined as never;
      }
    }
    const [path, json] = bodies.openai;
    const response = await handle({
      request: new FastlyLikeRequest(`https://sluice.edgecompute.app${path}`, {
        method: "POST",
        headers: clientHeaders("openai"),
        body: JSON.stringify(json),
      }),
      waitUntil: () => {},
    });
    expect(response.status).toBe(200);
  });
});

describe("settings, stores and metrics through the handler", () => {
  test("rate_limit from the Config Store is enforced with ERL (429 after the limit)", async () => {
    const handle = setup({ rate_limit: "2/60s" });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await post(handle, "openai");
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(fake.records).toHaveLength(2);
  });

  test("cache_ttl_seconds turns on the Core Cache: the second identical call is a HIT", async () => {
    const handle = setup({ cache_ttl_seconds: "60" });
    const first = await post(handle, "anthropic");
    const firstText = await first.response.text();
    await first.settled();
    const second = await post(handle, "anthropic");
    expect(second.response.headers.get("x-sluice-cache")).toBe("HIT");
    expect(await second.response.text()).toBe(firstText);
    expect(fake.records).toHaveLength(1);
  });

  test("one JSON line per call goes to the log endpoint, with no secret in it", async () => {
    const handle = setup({ log_endpoint: "sluice_metrics" });
    for (const provider of ["anthropic", "gemini"] as const) {
      const { response, settled } = await post(handle, provider);
      await response.arrayBuffer();
      await settled();
    }
    const lines = fastlyState.logs.get("sluice_metrics") ?? [];
    expect(lines.map((l) => JSON.parse(l).provider)).toEqual(["anthropic", "gemini"]);
    expect(JSON.parse(lines[0]!).inputTokens).toBeGreaterThan(0);
    for (const secret of Object.values(SECRETS)) expect(lines.join("\n")).not.toContain(secret);
  });

  test("a missing Secret Store is a 500 naming the store, and the next request tries again", async () => {
    const handle = setup({}, { secretStore: "not_linked_yet" });
    const { response } = await post(handle, "openai");
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('Secret Store \\"not_linked_yet\\"');
    linkSecretStore("not_linked_yet", SECRETS);
    expect((await post(handle, "openai")).response.status).toBe(200);
  });
});
