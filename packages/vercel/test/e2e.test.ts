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

  it("writes one JSON log line per call, and no key appears anywhere a client or the logs see", async () => {
    await flush();
    const lines = vm.logs.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const calls = lines.filter((l) => l.msg === "sluice.call");
    expect(calls.length).toBeGreaterThan(LIMIT);
    expect(calls.some((c) => c.cache === "HIT" && c.provider === "openai")).toBe(true);
    expect(calls.every((c) => typeof c.keyId === "string" && c.keyId.startsWith("key_"))).toBe(true);
    await Promise.all(bodyReads);
    const everything = [...seen, ...vm.logs].join("\n");
    expect(vm.logs.filter((l) => !l.startsWith("{"))).toEqual([]);
    expect(seen.length).toBeGreaterThan(400);
    for (const secret of [...Object.values(FAKE_KEYS), upstash.token, KEY, KEY_DRAIN, KEY_BURST]) {
      expect(everything).not.toContain(secret);
    }
    // The provider keys did reach the upstream: the gateway swapped them in.
    expect(fake.records.some((r) => JSON.stringify(r).includes(FAKE_KEYS.openai))).toBe(true);
  });
});
