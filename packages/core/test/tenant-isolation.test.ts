/**
 * Tenants share one provider account; Sluice keeps them apart. Resource endpoints need a grant, a key sees
 * only what it created, batches obey the key's model policy and budget, BYOK never borrows a Sluice key or
 * another tenant's cache entry, the cache key covers everything that changes the answer, and encoded path
 * separators never reach the upstream.
 */
import { type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGateway, sha256Hex, type ClientKeyRecord } from "../src/index.js";
import {
  memoryCache,
  memoryKeyStore,
  memoryRateLimitStore,
  memoryResourceStore,
  memorySecrets,
} from "../src/memory/index.js";
import { CLIENT_KEY, PROVIDER_SECRETS, type Stack, startStack } from "./helpers.js";

const KEYS = {
  alice: "sk-sluice-alice000000000000000000000000000000000",
  bob: "sk-sluice-bob00000000000000000000000000000000000",
  plain: "sk-sluice-plain0000000000000000000000000000000",
  tiny: "sk-sluice-tiny00000000000000000000000000000000",
  deleted: "sk-sluice-deleted000000000000000000000000000000",
};

async function record(
  key: string,
  id: string,
  fields: Partial<ClientKeyRecord> = {},
): Promise<ClientKeyRecord> {
  return { id, hash: await sha256Hex(key), ...fields };
}

let fake: FakeUpstream;
let stack: Stack;
let noStore: Stack;
let cached: Stack;
beforeAll(async () => {
  fake = await startFakeUpstream();
  const all = ["files", "batches", "responses"] as const;
  const keys = memoryKeyStore([
    await record(KEYS.alice, "key_alice", { grants: [...all] }),
    await record(KEYS.bob, "key_bob", { grants: [...all] }),
    await record(KEYS.plain, "key_plain"),
    await record(KEYS.tiny, "key_tiny", {
      grants: ["batches"],
      budget: { tokens: 10, window: "day" },
      allowedModels: ["claude-haiku-4-5"],
    }),
  ]);
  const rateLimit = memoryRateLimitStore();
  stack = await startStack(
    { clients: { keys }, stores: { counters: rateLimit, resources: memoryResourceStore() } },
    fake,
  );
  noStore = await startStack({ clients: { keys }, stores: { counters: rateLimit } }, fake);
  cached = await startStack(
    { clients: { byok: true }, cache: { shared: true }, stores: { cache: memoryCache() } },
    fake,
  );
});
afterAll(async () => {
  await Promise.all([stack, noStore, cached].map((s) => s?.close()));
  await fake?.close();
});
beforeEach(() => fake.reset());

const as = (key: string, extra: Record<string, string> = {}) => ({
  "x-api-key": key,
  "anthropic-version": "2023-06-01",
  ...extra,
});

async function upload(key: string, text: string): Promise<{ status: number; id?: string }> {
  const form = new FormData();
  form.append("file", new Blob([text], { type: "text/plain" }), "notes.txt");
  const response = await fetch(`${stack.url}/anthropic/v1/files`, {
    method: "POST",
    headers: as(key),
    body: form,
  });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, id: body.id };
}

const batch = (count: number, model: string) =>
  JSON.stringify({
    requests: Array.from({ length: count }, (_, i) => ({
      custom_id: `r${i}`,
      params: { model, max_tokens: 64, messages: [{ role: "user", content: "hi" }] },
    })),
  });

describe("resource endpoints need a grant", () => {
  it("a key without a grant gets 403 naming the grant, and nothing reaches the upstream", async () => {
    const response = await fetch(`${stack.url}/anthropic/v1/files`, { headers: as(KEYS.plain) });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("permission_error");
    expect(body.error.message).toContain('"grants": ["files"]');
    expect(fake.records).toHaveLength(0);
  });

  it("model lists stay open without a grant", async () => {
    const response = await fetch(`${stack.url}/anthropic/v1/models`, { headers: as(KEYS.plain) });
    expect(response.status).toBe(200);
  });

  it("a granted key without an ownership store is refused (503) with the fix", async () => {
    const response = await fetch(`${noStore.url}/anthropic/v1/files`, { headers: as(KEYS.alice) });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("stores.resources");
  });

  it("staticKeyGrants without an ownership store is a startup error naming the fix", () => {
    expect(() =>
      createGateway({
        secrets: memorySecrets({ SLUICE_KEYS: CLIENT_KEY }),
        clients: { staticKeyGrants: ["files"] },
      }),
    ).toThrow(/stores\.resources/);
  });
});

describe("resources belong to the key that created them", () => {
  it("another key cannot list, read, download or delete them; the owner can", async () => {
    const mine = await upload(KEYS.alice, "alice's notes");
    const theirs = await upload(KEYS.bob, "bob's notes");
    expect(mine.status).toBe(200);
    expect(mine.id).toMatch(/^file_/);

    const bobList = (await (
      await fetch(`${stack.url}/anthropic/v1/files`, { headers: as(KEYS.bob) })
    ).json()) as {
      data: { id: string }[];
      first_id: string | null;
    };
    expect(bobList.data.map((f) => f.id)).toEqual([theirs.id]);
    expect(bobList.first_id).toBe(theirs.id);

    for (const [method, path] of [
      ["GET", `/anthropic/v1/files/${mine.id}`],
      ["GET", `/anthropic/v1/files/${mine.id}/content`],
      ["DELETE", `/anthropic/v1/files/${mine.id}`],
    ] as const) {
      const response = await fetch(`${stack.url}${path}`, { method, headers: as(KEYS.bob) });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.text()).not.toContain("alice's notes");
    }
    const content = await fetch(`${stack.url}/anthropic/v1/files/${mine.id}/content`, {
      headers: as(KEYS.alice),
    });
    expect(await content.text()).toContain("alice's notes");
    const gone = await fetch(`${stack.url}/anthropic/v1/files/${mine.id}`, {
      method: "DELETE",
      headers: as(KEYS.alice),
    });
    expect(gone.status).toBe(200);
  });

  it("batch results are readable only by the batch's creator", async () => {
    const created = await fetch(`${stack.url}/anthropic/v1/messages/batches`, {
      method: "POST",
      headers: as(KEYS.alice, { "content-type": "application/json" }),
      body: batch(2, "claude-haiku-4-5"),
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    const stolen = await fetch(`${stack.url}/anthropic/v1/messages/batches/${id}/results`, {
      headers: as(KEYS.bob),
    });
    expect(stolen.status).toBe(404);
    const own = await fetch(`${stack.url}/anthropic/v1/messages/batches/${id}/results`, {
      headers: as(KEYS.alice),
    });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('"custom_id":"r1"');
  });

  it("a path smuggling %2F-encoded segments is refused and never reaches the upstream", async () => {
    const mine = await upload(KEYS.alice, "x");
    fake.reset();
    for (const path of [
      `/anthropic/v1/files/${mine.id}%2F..%2F..%2Fmessages`,
      `/anthropic/v1/files/${mine.id}%252Fcontent`,
      `/anthropic/v1/files/${mine.id}%5Ccontent`,
    ]) {
      const response = await fetch(`${stack.url}${path}`, { headers: as(KEYS.alice) });
      expect(response.status, path).toBe(404);
    }
    expect(fake.records).toHaveLength(0);
  });
});

describe("batches cannot escape the key's model policy or budget", () => {
  it("a thousand calls to a forbidden model for a 10-token key are refused, never forwarded", async () => {
    const response = await fetch(`${stack.url}/anthropic/v1/messages/batches`, {
      method: "POST",
      headers: as(KEYS.tiny, { "content-type": "application/json" }),
      body: batch(1000, "claude-opus-4-1"),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("claude-opus-4-1");
    expect(fake.records).toHaveLength(0);
  });

  it("an allowed model whose worst case exceeds the budget is refused (429), never forwarded", async () => {
    const response = await fetch(`${stack.url}/anthropic/v1/messages/batches`, {
      method: "POST",
      headers: as(KEYS.tiny, { "content-type": "application/json" }),
      body: batch(1000, "claude-haiku-4-5"),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("x-sluice-failure")).toBe("budget_exceeded");
    expect(fake.records).toHaveLength(0);
  });

  it("without the grant, a batch is refused whatever its models", async () => {
    const response = await fetch(`${stack.url}/anthropic/v1/messages/batches`, {
      method: "POST",
      headers: as(KEYS.plain, { "content-type": "application/json" }),
      body: batch(1, "claude-haiku-4-5"),
    });
    expect(response.status).toBe(403);
    expect(fake.records).toHaveLength(0);
  });
});

describe("bring-your-own-key and the response cache", () => {
  const chat = JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "cache me" }] });
  const post = (key: string, extra: Record<string, string> = {}, query = "") =>
    fetch(`${cached.url}/openai/v1/chat/completions${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...extra },
      body: chat,
    });

  it("a Sluice-format key (unknown or deleted) is never forwarded upstream as a provider key", async () => {
    const response = await post(KEYS.deleted);
    expect(response.status).toBe(401);
    expect(fake.records).toHaveLength(0);
  });

  it("an invented provider-shaped key never reads the shared cache", async () => {
    const owner = await post(CLIENT_KEY);
    expect(owner.status).toBe(200);
    await owner.text();
    await new Promise((r) => setTimeout(r, 50));
    const invented = await post("sk-invented000000000000000000000000");
    expect(invented.headers.get("x-sluice-cache")).not.toBe("HIT");
    expect(invented.status).toBe(401);
  });

  it("the cache key covers the query and behaviour-selecting headers", async () => {
    const a = await post(CLIENT_KEY, { "openai-beta": "one" });
    await a.text();
    await new Promise((r) => setTimeout(r, 50));
    const same = await post(CLIENT_KEY, { "openai-beta": "one" });
    await same.text();
    expect(same.headers.get("x-sluice-cache")).toBe("HIT");
    const otherBeta = await post(CLIENT_KEY, { "openai-beta": "two" });
    await otherBeta.text();
    expect(otherBeta.headers.get("x-sluice-cache")).toBe("MISS");
    const otherQuery = await post(CLIENT_KEY, { "openai-beta": "one" }, "?api-version=2");
    await otherQuery.text();
    expect(otherQuery.headers.get("x-sluice-cache")).toBe("MISS");
  });
});

describe("missing client keys get a clear error", () => {
  it("with SLUICE_KEYS unset, the 401 says to set it", async () => {
    const bare = await startStack({ secrets: memorySecrets({ ...PROVIDER_SECRETS }) }, fake);
    try {
      const response = await fetch(`${bare.url}/anthropic/v1/messages`, {
        method: "POST",
        headers: as(CLIENT_KEY, { "content-type": "application/json" }),
        body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 4, messages: [] }),
      });
      expect(response.status).toBe(401);
      expect(await response.text()).toContain("SLUICE_KEYS");
    } finally {
      await bare.close();
    }
  });
});
