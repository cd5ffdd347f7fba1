/** Client keys: where each SDK sends them, key records (revoked, expired, scoped, own rate limit), BYOK. */
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ClientKeyRecord, FAILURE_HEADER, type KeyStore, sha256Hex } from "../src/index.js";
import { memoryRateLimitStore } from "../src/memory/index.js";
import { CLIENT_KEY, type Stack, anthropicHeaders, bearerHeaders, post, startStack } from "./helpers.js";

const anthropicBody = JSON.stringify({
  model: "claude-sonnet-4-6",
  max_tokens: 8,
  messages: [{ role: "user", content: "hi" }],
});
const openAiBody = JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }] });

/** A key store over fixed records, keyed by the clear keys the tests use. */
async function recordStore(records: Record<string, Omit<ClientKeyRecord, "hash">>): Promise<KeyStore> {
  const byHash = new Map<string, ClientKeyRecord>();
  for (const [key, record] of Object.entries(records)) {
    const hash = await sha256Hex(key);
    byHash.set(hash, { ...record, hash });
  }
  return { lookup: async (hash) => byHash.get(hash) ?? null };
}

let fake: FakeUpstream;
let plain: Stack;
let managed: Stack;
let byok: Stack;
beforeAll(async () => {
  fake = await startFakeUpstream();
  const keys = await recordStore({
    "k-revoked": { id: "key_revoked", disabled: true },
    "k-expired": { id: "key_expired", expiresAt: Date.now() - 1_000 },
    "k-anthropic-only": { id: "key_anthropic_only", allowedProviders: ["anthropic"] },
    "k-haiku-only": { id: "key_haiku_only", allowedModels: ["claude-haiku-4-5"] },
    "k-one-per-minute": { id: "key_one_per_minute", rateLimit: { limit: 1, windowSeconds: 60 } },
  });
  [plain, managed, byok] = await Promise.all([
    startStack({}, fake),
    startStack({ clients: { keys }, stores: { counters: memoryRateLimitStore() } }, fake),
    startStack({ clients: { byok: true } }, fake),
  ]);
});
afterAll(async () => {
  await Promise.all([plain, managed, byok].map((s) => s?.close()));
  await fake?.close();
});
beforeEach(async () => {
  for (const s of [plain, managed, byok]) {
    await s.flush();
    s.metrics.points.length = 0;
  }
  fake.reset();
});

async function status(response: Response) {
  const body = (await response.json()) as { error: { message: string } };
  return {
    status: response.status,
    failure: response.headers.get(FAILURE_HEADER),
    message: body.error.message,
  };
}

describe("where the client key goes", () => {
  it("accepts the key in x-api-key or Authorization: Bearer (Anthropic SDKs send either)", async () => {
    for (const headers of [anthropicHeaders(), { ...bearerHeaders(), "anthropic-version": "2023-06-01" }]) {
      const response = await post(`${plain.url}/anthropic/v1/messages`, anthropicBody, headers);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    for (const record of fake.records) {
      expect(record.headers["x-api-key"]).toBe(FAKE_KEYS.anthropic);
      expect(record.headers.authorization).toBeUndefined();
    }
  });

  it("does not accept an OpenAI key anywhere but Authorization: Bearer", async () => {
    const response = await post(`${plain.url}/openai/v1/chat/completions`, openAiBody, {
      "x-api-key": CLIENT_KEY,
    });
    expect((await status(response)).status).toBe(401);
    expect(fake.records).toHaveLength(0);
  });
});

describe("key records", () => {
  const call = (key: string, url = "/anthropic/v1/messages", body = anthropicBody) =>
    post(
      `${managed.url}${url}`,
      body,
      url.startsWith("/anthropic") ? anthropicHeaders(key) : bearerHeaders(key),
    );

  it("refuses revoked and expired keys with 401", async () => {
    expect(await status(await call("k-revoked"))).toMatchObject({
      status: 401,
      message: "This API key has been revoked.",
    });
    expect(await status(await call("k-expired"))).toMatchObject({
      status: 401,
      message: "This API key has expired.",
    });
    expect(fake.records).toHaveLength(0);
  });

  it("keeps a key to its providers and models (403)", async () => {
    const ok = await call("k-anthropic-only");
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    expect(
      await status(await call("k-anthropic-only", "/openai/v1/chat/completions", openAiBody)),
    ).toMatchObject({
      status: 403,
      failure: "forbidden",
      message: "This API key may not call openai.",
    });
    expect(await status(await call("k-haiku-only"))).toMatchObject({
      status: 403,
      message: 'This API key may not use the model "claude-sonnet-4-6".',
    });
    expect(fake.records).toHaveLength(1);
  });

  it("applies a key's own rate limit", async () => {
    const first = await call("k-one-per-minute");
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const second = await call("k-one-per-minute");
    expect(await status(second)).toMatchObject({ status: 429, failure: "rate_limited" });
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(fake.records).toHaveLength(1);
    await managed.flush();
    expect(managed.metrics.points.map((p) => [p.keyId, p.status])).toEqual([
      ["key_one_per_minute", 200],
      ["key_one_per_minute", 429],
    ]);
  });
});

describe("rate-limit store outages", () => {
  const broken = { take: async () => Promise.reject(new Error("store down")) };

  it("refuse with 503 by default, let calls through with failOpen", async () => {
    const closed = await startStack({ limits: { rate: "10/60s" }, stores: { counters: broken } }, fake);
    const open = await startStack(
      { limits: { rate: "10/60s", failOpen: true }, stores: { counters: broken } },
      fake,
    );
    try {
      const refused = await post(`${closed.url}/anthropic/v1/messages`, anthropicBody, anthropicHeaders());
      expect(await status(refused)).toMatchObject({ status: 503, failure: "state_unavailable" });
      expect(refused.headers.get("retry-after")).toBe("1");
      const through = await post(`${open.url}/anthropic/v1/messages`, anthropicBody, anthropicHeaders());
      expect(through.status).toBe(200);
      await through.arrayBuffer();
      expect(fake.records).toHaveLength(1);
    } finally {
      await Promise.all([closed.close(), open.close()]);
    }
  });
});

describe("bring your own key", () => {
  it("forwards a well-shaped provider key that is not a Sluice key, identified only by its hash", async () => {
    const response = await post(
      `${byok.url}/anthropic/v1/messages`,
      anthropicBody,
      anthropicHeaders(FAKE_KEYS.anthropic),
    );
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(fake.records[0]!.headers["x-api-key"]).toBe(FAKE_KEYS.anthropic);
    await byok.flush();
    const [point] = byok.metrics.points;
    expect(point!.keyId).toBe(`byok_${(await sha256Hex(FAKE_KEYS.anthropic)).slice(0, 12)}`);
    expect(JSON.stringify(point)).not.toContain(FAKE_KEYS.anthropic);
  });

  it("still swaps in the operator's key for a Sluice key", async () => {
    const response = await post(`${byok.url}/anthropic/v1/messages`, anthropicBody, anthropicHeaders());
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(fake.records[0]!.headers["x-api-key"]).toBe(FAKE_KEYS.anthropic);
  });

  it("refuses a key of the wrong shape without calling upstream", async () => {
    const response = await post(
      `${byok.url}/anthropic/v1/messages`,
      anthropicBody,
      anthropicHeaders("sk-ant-short"),
    );
    expect(await status(response)).toMatchObject({ status: 401, message: "Invalid API key." });
    expect(fake.records).toHaveLength(0);
  });

  it("passes the provider's refusal of the client's own key back as the provider's 401", async () => {
    const own = "sk-ant-client-own-key-0000000000";
    const response = await post(`${byok.url}/anthropic/v1/messages`, anthropicBody, anthropicHeaders(own));
    expect(response.status).toBe(401);
    expect(response.headers.get(FAILURE_HEADER)).toBe("upstream_auth");
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    expect(fake.records[0]!.headers["x-api-key"]).toBe(own);
  });

  it("is off by default: a provider key is then just an unknown key", async () => {
    const response = await post(
      `${plain.url}/anthropic/v1/messages`,
      anthropicBody,
      anthropicHeaders(FAKE_KEYS.anthropic),
    );
    expect((await status(response)).status).toBe(401);
    expect(fake.records).toHaveLength(0);
  });
});
