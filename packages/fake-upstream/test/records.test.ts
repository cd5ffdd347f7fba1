// Recording: what other packages' tests rely on to see what a gateway actually sent upstream.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FAKE_KEYS, type FakeRecord, type FakeStats } from "../src/index.js";
import { json, raw, useFake } from "./helpers.js";

const ctx = useFake();

describe("records", () => {
  it("capture every header lowercased, the body hash, length and a 64 KB preview", async () => {
    const big = json({
      model: "claude-sonnet-5",
      max_tokens: 1,
      messages: [{ role: "user", content: "x".repeat(100_000) }],
    });
    await raw(`${ctx.fake.baseUrls.anthropic}/v1/messages?beta=true`, {
      headers: {
        "X-Api-Key": FAKE_KEYS.anthropic,
        "Content-Type": "application/json",
        "X-Custom-Thing": "Yes",
      },
      body: big,
    });
    const rec = ctx.fake.records[0]!;
    expect(rec).toMatchObject({
      id: expect.any(Number),
      provider: "anthropic",
      method: "POST",
      path: "/anthropic/v1/messages",
      query: { beta: "true" },
      bodyLength: Buffer.byteLength(big),
      bodySha256: createHash("sha256").update(big).digest("hex"),
      aborted: false,
      completed: true,
      status: 200,
    });
    expect(rec.headers).toMatchObject({
      "x-api-key": FAKE_KEYS.anthropic,
      "content-type": "application/json",
      "x-custom-thing": "Yes",
      "content-length": String(Buffer.byteLength(big)),
    });
    expect(Object.keys(rec.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(rec.body).toHaveLength(64 * 1024);
    expect(big.startsWith(rec.body!)).toBe(true);
    expect(rec.startedAt).toBeLessThanOrEqual(rec.endedAt!);
    expect(rec.bytesSent).toBeGreaterThan(0);
  });

  it("track inFlight / maxInFlight and per-path counts", async () => {
    const slow = () =>
      raw(`${ctx.fake.baseUrls.openai}/chat/completions`, {
        headers: {
          authorization: `Bearer ${FAKE_KEYS.openai}`,
          "x-fake-fault": "drip=40",
          "x-fake-events": "3",
        },
        body: json({ model: "gpt-4o", messages: [], stream: true }),
      });
    const pending = Promise.all([slow(), slow(), slow(), slow(), slow()]);
    await ctx.fake.waitForRecord((r) => r.id === ctx.fake.records[0]!.id + 4);
    expect(ctx.fake.stats().inFlight).toBe(5);
    await pending;
    await raw(`${ctx.fake.baseUrls.openai}/models`, {
      headers: { authorization: `Bearer ${FAKE_KEYS.openai}` },
    });
    expect(ctx.fake.stats()).toEqual({
      inFlight: 0,
      maxInFlight: 5,
      counts: { "/openai/v1/chat/completions": 5, "/openai/v1/models": 1 },
    });
  });

  it("are served over HTTP for other processes, and reset clears them", async () => {
    await raw(`${ctx.fake.baseUrls.groq}/openai/v1/chat/completions`, {
      headers: { authorization: `Bearer ${FAKE_KEYS.groq}` },
      body: json({ model: "llama", messages: [] }),
    });
    const records = JSON.parse((await raw(`${ctx.fake.url}/_fake/records`)).text) as FakeRecord[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      provider: "groq",
      path: "/groq/openai/v1/chat/completions",
      completed: true,
    });
    const stats = JSON.parse((await raw(`${ctx.fake.url}/_fake/stats`)).text) as FakeStats;
    expect(stats).toMatchObject({
      inFlight: 0,
      maxInFlight: 1,
      counts: { "/groq/openai/v1/chat/completions": 1 },
    });
    expect((await raw(`${ctx.fake.url}/_fake/reset`, { method: "POST" })).status).toBe(200);
    expect(ctx.fake.records).toHaveLength(0);
    expect(ctx.fake.stats()).toEqual({ inFlight: 0, maxInFlight: 0, counts: {} });
  });

  it("waitForRecord resolves on future records and times out cleanly", async () => {
    const waiting = ctx.fake.waitForRecord((r) => r.provider === "cerebras" && r.completed, 2000);
    await raw(`${ctx.fake.baseUrls.cerebras}/v1/chat/completions`, {
      headers: { authorization: `Bearer ${FAKE_KEYS.cerebras}` },
      body: json({ model: "llama3.1-8b", messages: [] }),
    });
    expect((await waiting).path).toBe("/cerebras/v1/chat/completions");
    await expect(ctx.fake.waitForRecord((r) => r.provider === "gemini", 50)).rejects.toThrow(
      /no matching record/,
    );
  });
});
