/**
 * End to end: the example's edge function, bundled and served by `edge-runtime` (Vercel's runtime), with
 * Upstash REST over a real redis-server for rate limits and cache, the fake upstream behind it, and the
 * official Anthropic and OpenAI SDKs in front.
 */
import { fileURLToPath } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { runServer } from "edge-runtime";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bundleForEdge, type EdgeVm, startEdgeVm } from "./tooling/edge-vm.js";

const upstash = inject("upstash");
const KEY = "sluice-e2e-general-0001";
const KEY_DRAIN = "sluice-e2e-drain-0002";
const KEY_BURST = "sluice-e2e-burst-0003";
const ADMIN_KEY = "sluice-e2e-admin-0004";
/** The managed key the admin API made; the leak check looks for it too. */
let managedKey = "sluice-e2e-not-created-yet";
const LIMIT = 20;

let fake: FakeUpstream;
let vm: EdgeVm;
let server: Awaited<ReturnType<typeof runServer>>;
/** Everything a client saw: status lines, headers and bodies. */
const seen: string[] = [];
const bodyReads: Promise<unknown>[] = [];

const observe: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const copy = response.clone();
  seen.push(`${response.status} ${JSON.stringify([...response.headers])}`);
  bodyReads.push(copy.text().then((text) => seen.push(text)));
  return response;
};
const anthropic = (apiKey = KEY) =>
  new Anthropic({ apiKey, baseURL: `${server.url}api/anthropic`, maxRetries: 0, fetch: observe });
const openai = (apiKey = KEY) =>
  new OpenAI({ apiKey, baseURL: `${server.url}api/openai/v1`, maxRetries: 0, fetch: observe });
const flush = () => vm.runtime.evaluate<Promise<void>>("__flush()");
/** The admin API, called without `observe`: its create answer is the one place a managed key may appear. */
const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}api/_sluice/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
  });

beforeAll(async () => {
  fake = await startFakeUpstream();
  const code = await bundleForEdge(fileURLToPath(new URL("./fixtures/vercel-entry.ts", import.meta.url)));
  vm = startEdgeVm(code, {
    ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
    OPENAI_API_KEY: FAKE_KEYS.openai,
    GEMINI_API_KEY: FAKE_KEYS.gemini,
    ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
    OPENAI_BASE_URL: fake.baseUrls.openai,
    GEMINI_BASE_URL: fake.baseUrls.gemini,
    SLUICE_KEYS: [KEY, KEY_DRAIN, KEY_BURST].join(","),
    // A long window: the bucket cannot refill a whole token while the test runs, so counts are exact.
    SLUICE_RATE_LIMIT: `${LIMIT}/3600s`,
    SLUICE_CACHE_TTL: "60",
    // Turns on managed keys and usage counters in Upstash (SLUICE_KEYS keep working beside them).
    SLUICE_ADMIN_KEY: ADMIN_KEY,
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
  });
  server = await runServer({ runtime: vm.runtime, port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

describe("the example edge function in edge-runtime", () => {
  it("answers /api/healthz", async () => {
    const response = await fetch(`${server.url}api/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("streams Anthropic through the official SDK", async () => {
    const stream = anthropic().messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const events: string[] = [];
    stream.on("streamEvent", (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(events[0]).toBe("message_start");
    expect(events.filter((e) => e === "content_block_delta").length).toBeGreaterThan(1);
    expect(message.content[0]?.type).toBe("text");
  });

  it("streams OpenAI chat chunks through the official SDK", async () => {
    const stream = await openai().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(0);
  });

  it("serves a repeated non-streamed call from the Upstash cache (x-sluice-cache: HIT)", async () => {
    const body = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "cache me" }] };
    const handedOver = vm.runtime.evaluate<number>("__handedOver()");
    const first = await openai().chat.completions.create(body).withResponse();
    expect(first.response.headers.get("x-sluice-cache")).toBe("MISS");
    // The cache write and the metrics go through waitUntil from @vercel/functions.
    expect(vm.runtime.evaluate<number>("__handedOver()")).toBeGreaterThan(handedOver);
    await flush();
    const upstreamCalls = fake.records.length;
    const second = await openai().chat.completions.create(body).withResponse();
    expect(second.response.headers.get("x-sluice-cache")).toBe("HIT");
    expect(second.data).toEqual(first.data);
    expect(fake.records.length).toBe(upstreamCalls);
  });

  it("answers 429 with retry-after once a key's bucket is empty", async () => {
    const client = anthropic(KEY_DRAIN);
    const ask = () =>
      client.messages.create({
        model: "claude-haiku-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      });
    for (let i = 0; i < LIMIT; i++) await ask();
    const error = await ask().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const limited = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers?.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });

  it(`admits exactly ${LIMIT} of 200 concurrent requests on one key`, async () => {
    const client = openai(KEY_BURST);
    const before = fake.records.length;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client.chat.completions
          .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `burst ${i}` }] })
          .then(
            () => "ok",
            (e: unknown) => (e instanceof OpenAI.RateLimitError ? "429" : `other: ${String(e)}`),
          ),
      ),
    );
    expect(outcomes.filter((o) => o === "ok").length).toBe(LIMIT);
    expect(outcomes.filter((o) => o === "429").length).toBe(200 - LIMIT);
    expect(fake.records.length - before).toBe(LIMIT);
  });

  it("a managed key from the admin API spends its budget to 429 budget_exceeded, then is revoked to 401", async () => {
    const created = await admin("keys", {
      method: "POST",
      body: JSON.stringify({ name: "e2e budget", budget: { tokens: 150, window: "day" } }),
    });
    expect(created.status).toBe(201);
    const { key, record } = (await created.json()) as { key: string; record: { id: string } };
    managedKey = key;
    const client = anthropic(key);
    let n = 0;
    // A different prompt each time: a response-cache hit would (rightly) spend nothing.
    const ask = () =>
      client.messages.create({
        model: "claude-haiku-4-5",
        max_tokens: 16,
        messages: [{ role: "user", content: `spend ${n++}` }],
      });
    let admitted = 0;
    let refused: unknown;
    // Each call settles (waitUntil) before the next, so the balance is exact; 15 is far past 150 tokens.
    for (let i = 0; i < 15 && refused === undefined; i++) {
      await ask().then(
        () => admitted++,
        (e: unknown) => {
          refused = e;
        },
      );
      await flush();
    }
    expect(admitted).toBeGreaterThan(0);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    const limited = refused as InstanceType<typeof Anthropic.RateLimitError>;
    expect(limited.headers?.get("x-sluice-failure")).toBe("budget_exceeded");
    expect(limited.headers?.get("x-should-retry")).toBe("false");
    expect(Number(limited.headers?.get("retry-after"))).toBeGreaterThan(0);

    // The usage counters in Upstash saw every admitted call and nothing else.
    const day = new Date().toISOString().slice(0, 10);
    const usage = await admin(`usage?key=${encodeURIComponent(record.id)}&day=${day}`);
    expect(usage.status).toBe(200);
    const report = (await usage.json()) as { total: { requests: number; outputTokens: number } };
    expect(report.total.requests).toBe(admitted);
    expect(report.total.outputTokens).toBeGreaterThan(0);

    const revoked = await admin(`keys/${encodeURIComponent(record.id)}`, { method: "DELETE" });
    expect(await revoked.json()).toEqual({ id: record.id, deleted: true });
    const after = await ask().then(
      () => null,
      (e: unknown) => e,
    );
    expect(after).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((after as InstanceType<typeof Anthropic.AuthenticationError>).status).toBe(401);
    // The static keys still work beside the managed store.
    expect(
      (
        await anthropic().messages.create({
          model: "claude-haiku-4-5",
          max_tokens: 8,
          messages: [{ role: "user", content: "x" }],
        })
      ).type,
    ).toBe("message");
  });

  it("refuses the admin API without the admin key", async () => {
    const response = await fetch(`${server.url}api/_sluice/keys`, {
      headers: { authorization: "Bearer not-the-admin-key" },
    });
    expect(response.status).toBe(401);
  });

  it("writes one JSON log line per call, and no key appears anywhere a client or the logs see", async () => {
    await flush();
    const lines = vm.logs.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const calls = lines.filter((l) => l.event === "sluice.metric");
    expect(calls.length).toBeGreaterThan(LIMIT);
    expect(calls.some((c) => c.cache === "HIT" && c.provider === "openai")).toBe(true);
    // Every authenticated call names its key by public id; the one refused call (the revoked key) names none.
    const anonymous = calls.filter((c) => !(typeof c.keyId === "string" && c.keyId.startsWith("key_")));
    expect(anonymous.map((c) => [c.status, c.failure])).toEqual([[401, "unauthorized"]]);
    await Promise.all(bodyReads);
    const everything = [...seen, ...vm.logs].join("\n");
    expect(vm.logs.filter((l) => !l.startsWith("{"))).toEqual([]);
    expect(seen.length).toBeGreaterThan(400);
    const secrets = [...Object.values(FAKE_KEYS), upstash.token, KEY, KEY_DRAIN, KEY_BURST, ADMIN_KEY];
    expect(managedKey.startsWith("sk-sluice-")).toBe(true);
    for (const secret of [...secrets, managedKey]) {
      expect(everything).not.toContain(secret);
    }
    // The provider keys did reach the upstream: the gateway swapped them in.
    expect(fake.records.some((r) => JSON.stringify(r).includes(FAKE_KEYS.openai))).toBe(true);
  });
});
