// Tenant isolation and secret hygiene in workerd, on the real local Durable Objects and R2: provider keys
// never reach the client whatever the upstream echoes, resource endpoints need a grant and belong to the key
// that created them (ownership in the SluiceKeys Durable Object), batches obey the key's model policy,
// hydration refuses traversal, and the admin API takes only Bearer, throttles per address and 400s bad ids.
import { env } from "cloudflare:workers";
import { resourcesContract } from "@sluice/core/testing";
import { describe, expect, inject, test } from "vitest";
import { durableObjectResourceStore } from "../src/index.js";
/** The admin key the test Worker is given (SLUICE_ADMIN_KEY binding in vitest.config.ts). */
const TEST_ADMIN_KEY = (env as unknown as { SLUICE_ADMIN_KEY: string }).SLUICE_ADMIN_KEY;
import { claude, fakeKeys, fakeUrl, gateway } from "./features-helpers.js";

const echoUrl = inject("echoUrl" as never) as string;

describe("no provider key reaches the client (key-echo upstream)", () => {
  const { call } = gateway({}, { ANTHROPIC_BASE_URL: echoUrl, OPENAI_BASE_URL: `${echoUrl}/v1` });
  const clean = (text: string, headers: Headers) => {
    const seen = `${[...headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`;
    expect(seen).not.toContain(fakeKeys.anthropic);
    expect(seen).not.toContain(fakeKeys.openai);
  };

  for (const status of [400, 404, 429, 500, 529]) {
    test(`an error ${status} keeps its status, without the key in body or headers`, async () => {
      const result = await call(`/anthropic/v1/messages?echo=status-${status}`, { json: claude("hi") });
      expect(result.status).toBe(status);
      expect(result.text).toContain("[redacted]");
      clean(result.text, result.response.headers);
    });
  }

  test("an in-stream error event, a redirect and a pass-through answer are scrubbed", async () => {
    const stream = await call("/anthropic/v1/messages?echo=stream-error", {
      json: { ...claude("hi"), stream: true },
    });
    expect(stream.text).toContain("event: error");
    clean(stream.text, stream.response.headers);
    const redirect = await call("/anthropic/v1/models?echo=redirect", { method: "GET" });
    expect(redirect.status).toBe(502);
    expect(redirect.response.headers.get("location")).toBeNull();
    clean(redirect.text, redirect.response.headers);
    const passthrough = await call("/anthropic/v1/models/x?echo=status-404", { method: "GET" });
    expect(passthrough.status).toBe(404);
    clean(passthrough.text, passthrough.response.headers);
  });

  test("the upstream's CORS and cookie headers never reach the client", async () => {
    const result = await call("/anthropic/v1/messages?echo=json", {
      json: claude("hi"),
      headers: { origin: "https://evil.example" },
    });
    for (const name of ["access-control-allow-origin", "access-control-allow-credentials", "set-cookie"])
      expect(result.response.headers.get(name), name).toBeNull();
  });

  test("openai-organization, openai-project and Expect are not forwarded", async () => {
    const marker = crypto.randomUUID();
    const result = await call("/openai/v1/chat/completions?echo=headers", {
      json: { model: "gpt-4.1-mini", messages: [{ role: "user", content: marker }] },
      headers: {
        "openai-organization": "org-victim",
        "openai-project": "proj-victim",
        expect: "100-continue",
      },
    });
    expect(result.status, result.text).toBe(200);
    const received = (JSON.parse(result.text) as { headers: Record<string, string> }).headers;
    for (const name of ["openai-organization", "openai-project", "expect"])
      expect(received).not.toHaveProperty(name);
    expect(received.authorization).toBe("Bearer [redacted]");
  });
});

describe("resources belong to the key that created them (SluiceKeys Durable Object)", () => {
  for (const c of resourcesContract(() => durableObjectResourceStore(env.KEYS as never))) test(c.name, c.run);

  const { call } = gateway();
  async function managedKey(fields: object): Promise<string> {
    const created = await call("/_sluice/keys", { key: TEST_ADMIN_KEY, json: fields });
    expect(created.status, created.text).toBe(201);
    return (JSON.parse(created.text) as { key: string }).key;
  }
  async function upload(key: string, text: string) {
    const form = new FormData();
    form.append("file", new Blob([text], { type: "text/plain" }), "notes.txt");
    const result = await call("/anthropic/v1/files", { key, body: form });
    return { status: result.status, id: (JSON.parse(result.text) as { id?: string }).id };
  }

  test("without a grant, files are refused (403) naming the grant; with it, other keys cannot see them", async () => {
    const plain = await managedKey({ name: "plain" });
    const refused = await call("/anthropic/v1/files", { key: plain, method: "GET" });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).error.message).toContain('"grants": ["files"]');

    const alice = await managedKey({ grants: ["files"] });
    const bob = await managedKey({ grants: ["files"] });
    const mine = await upload(alice, "alice's notes");
    expect(mine.status).toBe(200);
    const bobList = await call("/anthropic/v1/files", { key: bob, method: "GET" });
    expect(bobList.status).toBe(200);
    expect(bobList.text).not.toContain(mine.id);
    for (const [method, path] of [
      ["GET", `/anthropic/v1/files/${mine.id}/content`],
      ["DELETE", `/anthropic/v1/files/${mine.id}`],
    ]) {
      const stolen = await call(path!, { key: bob, method });
      expect(stolen.status, `${method} ${path}`).toBe(404);
    }
    const own = await call(`/anthropic/v1/files/${mine.id}/content`, { key: alice, method: "GET" });
    expect(own.text).toContain("alice's notes");
  });

  test("a thousand forbidden-model batch requests for a 10-token key are never forwarded", async () => {
    const tiny = await managedKey({
      grants: ["batches"],
      budget: { tokens: 10, window: "day" },
      allowedModels: ["claude-haiku-4-5"],
    });
    const marker = crypto.randomUUID();
    const requests = Array.from({ length: 1000 }, (_, i) => ({
      custom_id: `${marker}-${i}`,
      params: { model: "claude-opus-4-1", max_tokens: 64, messages: [{ role: "user", content: "hi" }] },
    }));
    const result = await call("/anthropic/v1/messages/batches", { key: tiny, json: { requests } });
    expect(result.status).toBe(403);
    const records = (await (await fetch(`${fakeUrl}/_fake/records`)).json()) as { body?: string }[];
    expect(records.filter((r) => r.body?.includes(marker))).toHaveLength(0);
  });

  test("an encoded separator in a resource path is refused before the upstream", async () => {
    const alice = await managedKey({ grants: ["files"] });
    const result = await call("/anthropic/v1/files/file_x%2F..%2F..%2Fmessages", {
      key: alice,
      method: "GET",
    });
    expect(result.status).toBe(404);
  });
});

describe("bring-your-own-key and the KV response cache", () => {
  const { call, clientKey } = gateway({ cache: { shared: true }, gateway: { clients: { byok: true } } });
  const chat = (marker: string) => ({ model: "gpt-4.1-mini", messages: [{ role: "user", content: marker }] });

  test("an invented provider-shaped key never reads the shared cache; a Sluice-format key is never forwarded", async () => {
    const marker = crypto.randomUUID();
    const first = await call("/openai/v1/chat/completions", { json: chat(marker) });
    expect(first.status, first.text).toBe(200);
    const hit = await call("/openai/v1/chat/completions", { json: chat(marker) });
    expect(hit.response.headers.get("x-sluice-cache")).toBe("HIT");
    const invented = await call("/openai/v1/chat/completions", {
      json: chat(marker),
      key: "sk-invented00000000000000000000000000",
    });
    expect(invented.response.headers.get("x-sluice-cache")).not.toBe("HIT");
    expect(invented.status).toBe(401);
    const deleted = await call("/openai/v1/chat/completions", {
      json: chat(`${marker}-deleted`),
      key: "sk-sluice-deleted000000000000000000000000000000",
    });
    expect(deleted.status).toBe(401);
    const records = (await (await fetch(`${fakeUrl}/_fake/records`)).json()) as { body?: string }[];
    expect(records.filter((r) => r.body?.includes(`${marker}-deleted`))).toHaveLength(0);
    expect(clientKey).toMatch(/^sk-sluice-/);
  });

  test("the cache key covers behaviour-selecting headers and the query", async () => {
    const marker = crypto.randomUUID();
    const beta = (value: string, query = "") =>
      call(`/openai/v1/chat/completions${query}`, { json: chat(marker), headers: { "openai-beta": value } });
    expect((await beta("one")).status).toBe(200);
    expect((await beta("one")).response.headers.get("x-sluice-cache")).toBe("HIT");
    expect((await beta("two")).response.headers.get("x-sluice-cache")).toBe("MISS");
    expect((await beta("one", "?v=2")).response.headers.get("x-sluice-cache")).toBe("MISS");
  });
});

describe("hydration refuses traversal on R2 too", () => {
  test("uploads/<me>/../<other>/… and shared/../requests/… are refused (403), nothing forwarded", async () => {
    const { call, clientKey } = gateway({ hydrate: true });
    const id = `key_${[
      ...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(clientKey))),
    ]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("")
      .slice(0, 12)}`;
    await env.OBJECTS.put("uploads/key_other/secret.txt", "another tenant's secret");
    for (const ref of [
      `uploads/${id}/../key_other/secret.txt`,
      `uploads/${id}/%2e%2e/key_other/secret.txt`,
      "shared/../requests/log.jsonl",
      `uploads/${id}/..\\key_other\\secret.txt`,
    ]) {
      const block = {
        type: "document",
        source: { type: "text", media_type: "text/plain", data: `sluice-object://${ref}` },
      };
      const result = await call("/anthropic/v1/messages", { json: claude([block]) });
      expect(result.status, ref).toBe(403);
      expect(result.text).not.toContain("another tenant's secret");
    }
  });
});

describe("admin API hardening", () => {
  const { call } = gateway();
  const admin = (key: string, headers: Record<string, string>, path = "/_sluice/keys") =>
    call(path, { method: "GET", headers, key });

  test("the admin key is accepted only as Bearer, not in x-api-key", async () => {
    const address = { "cf-connecting-ip": `203.0.113.${Math.floor(Math.random() * 200)}` };
    expect((await admin("", { "x-api-key": TEST_ADMIN_KEY, ...address })).status).toBe(401);
    expect((await admin(TEST_ADMIN_KEY, address)).status).toBe(200);
  });

  test("wrong keys from one address are throttled (429 + retry-after); another address is not", async () => {
    const one = { "cf-connecting-ip": "198.51.100.77" };
    for (let i = 0; i < 10; i++) await admin(`wrong-${i}`, one);
    const throttled = await admin(TEST_ADMIN_KEY, one);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.response.headers.get("retry-after"))).toBeGreaterThan(0);
    const other = await admin(TEST_ADMIN_KEY, { "cf-connecting-ip": "198.51.100.78" });
    expect(other.status).toBe(200);
  });

  test("a malformed percent-encoding in a key id is a 400", async () => {
    const result = await admin(TEST_ADMIN_KEY, { "cf-connecting-ip": "192.0.2.9" }, "/_sluice/keys/%E0%A4%A");
    expect(result.status).toBe(400);
  });
});

describe("the operator's account state (fake upstream)", () => {
  test("the operator account's rate-limit headers reach the client only when the operator opts in", async () => {
    const ratelimit = (headers: Headers) =>
      [...headers.keys()].filter((n) => n.startsWith("anthropic-ratelimit-"));
    const shared = await gateway().call("/anthropic/v1/messages", { json: claude("hi") });
    expect(shared.status).toBe(200);
    // Answered by the upstream, not the response cache (which never stores these headers).
    expect(shared.response.headers.get("x-sluice-cache")).not.toBe("HIT");
    expect(shared.response.headers.get("request-id")).toBeTruthy();
    expect(ratelimit(shared.response.headers)).toEqual([]);
    const optedIn = await gateway({ gateway: { upstream: { providerRateLimitHeaders: true } } }).call(
      "/anthropic/v1/messages",
      { json: claude("hi") },
    );
    expect(ratelimit(optedIn.response.headers).length).toBeGreaterThan(0);
  });
});
