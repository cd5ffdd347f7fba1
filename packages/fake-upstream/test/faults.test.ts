// Scripted faults: budgets per id, connection resets, stalls, slow drips, delayed headers, broken
// bodies, and a huge stream that must respect backpressure instead of buffering.
import { request } from "node:http";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { FAKE_KEYS, TOKENS_PER_EVENT, splitReply } from "../src/index.js";
import { json, raw, useFake } from "./helpers.js";

const ctx = useFake();
const chatUrl = () => `${ctx.fake.baseUrls.openai}/chat/completions`;
const headers = (fault: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${FAKE_KEYS.openai}`,
  "content-type": "application/json",
  "x-fake-fault": fault,
  ...extra,
});
const streamBody = json({ model: "gpt-4o", messages: [], stream: true });

/** Content deltas in an OpenAI chat SSE text. */
const deltasIn = (text: string) =>
  [...text.matchAll(/"delta":\{"content":"((?:[^"\\]|\\.)*)"\}/g)].map(
    (m) => JSON.parse(`"${m[1]}"`) as string,
  );

describe("times / id budgets", () => {
  it("applies a fault to the first N requests of an id only, per id, until reset", async () => {
    const send = (fault: string) =>
      raw(chatUrl(), { headers: headers(fault), body: json({ model: "gpt-4o", messages: [] }) });
    const a = "status=500,times=2,id=job-a";
    expect((await send(a)).status).toBe(500);
    expect((await send("status=500,times=1,id=job-b")).status).toBe(500);
    expect((await send(a)).status).toBe(500);
    expect((await send(a)).status).toBe(200);
    expect((await send("status=500,times=1,id=job-b")).status).toBe(200);
    await raw(`${ctx.fake.url}/_fake/reset`, { method: "POST" });
    expect((await send(a)).status).toBe(500);
  });
});

describe("connection faults", () => {
  it("reset-after=N resets the socket after exactly N content events", async () => {
    const res = await fetch(chatUrl(), {
      method: "POST",
      headers: headers("reset-after=2"),
      body: streamBody,
    });
    expect(res.status).toBe(200);
    let text = "";
    const reader = res.body!.getReader();
    const err = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        text += Buffer.from(value).toString("utf8");
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(deltasIn(text)).toEqual(splitReply(5).slice(0, 2));
    const rec = await ctx.fake.waitForRecord((r) => r.endedAt !== undefined);
    expect(rec).toMatchObject({ completed: false, aborted: false });
  });

  it("reset-after makes the Anthropic stream helper reject", async () => {
    const client = new Anthropic({
      apiKey: FAKE_KEYS.anthropic,
      baseURL: ctx.fake.baseUrls.anthropic,
      maxRetries: 0,
    });
    const stream = client.messages.stream(
      { model: "claude-sonnet-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] },
      { headers: { "x-fake-fault": "reset-after=1" } },
    );
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Error);
  });

  it("stall-after=N goes silent but keeps the connection until the client aborts", async () => {
    const abort = new AbortController();
    const res = await fetch(chatUrl(), {
      method: "POST",
      headers: headers("stall-after=1"),
      body: streamBody,
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    let text = "";
    while (deltasIn(text).length < 1) text += Buffer.from((await reader.read()).value!).toString("utf8");
    const next = reader.read();
    const quiet = await Promise.race([
      next.then(() => "data"),
      new Promise((r) => setTimeout(() => r("quiet"), 250)),
    ]);
    expect(quiet).toBe("quiet");
    expect(ctx.fake.stats().inFlight).toBe(1);
    abort.abort();
    await expect(next).rejects.toThrow();
    const rec = await ctx.fake.waitForRecord((r) => r.aborted);
    expect(rec.completed).toBe(false);
    expect(deltasIn(text)).toEqual(splitReply(5).slice(0, 1));
    expect(ctx.fake.stats().inFlight).toBe(0);
  });

  it("drip=MS spaces content events in order", async () => {
    const started = Date.now();
    const res = await fetch(chatUrl(), {
      method: "POST",
      headers: headers("drip=80", { "x-fake-events": "3" }),
      body: streamBody,
    });
    const reader = res.body!.getReader();
    const arrivals: { t: number; text: string }[] = [];
    let buf = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString("utf8");
      for (const d of deltasIn(buf)) arrivals.push({ t: Date.now() - started, text: d });
      buf = buf.slice(buf.lastIndexOf("\n\n") + 2);
    }
    expect(arrivals.map((a) => a.text)).toEqual(splitReply(3));
    for (let i = 1; i < arrivals.length; i++)
      expect(arrivals[i]!.t - arrivals[i - 1]!.t).toBeGreaterThanOrEqual(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 80 - 20);
  });

  it("delay-headers=MS holds the status line back", async () => {
    const started = Date.now();
    const res = await fetch(chatUrl(), {
      method: "POST",
      headers: headers("delay-headers=200"),
      body: json({ model: "gpt-4o", messages: [] }),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.status).toBe(200);
    await res.text();
  });
});

describe("broken bodies", () => {
  it("truncated-json cuts a plain JSON body in half (consistent content-length)", async () => {
    const full = await raw(chatUrl(), {
      headers: headers(""),
      body: json({ model: "gpt-4o", messages: [] }),
    });
    const cut = await raw(chatUrl(), {
      headers: headers("truncated-json"),
      body: json({ model: "gpt-4o", messages: [] }),
    });
    expect(cut.status).toBe(200);
    expect(cut.body.length).toBe(Math.floor(full.body.length / 2));
    expect(cut.headers["content-length"]).toBe(String(cut.body.length));
    expect(() => JSON.parse(cut.text)).toThrow();
    const sdk = new OpenAI({ apiKey: FAKE_KEYS.openai, baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 });
    await expect(
      sdk.chat.completions.create(
        { model: "gpt-4o", messages: [] },
        { headers: { "x-fake-fault": "truncated-json" } },
      ),
    ).rejects.toThrow();
  });

  it("wrong-content-type answers text/html (200, or the scripted status)", async () => {
    const html = await raw(chatUrl(), { headers: headers("wrong-content-type"), body: streamBody });
    expect([html.status, html.headers["content-type"]]).toEqual([200, "text/html"]);
    expect(html.text.startsWith("<!DOCTYPE html>")).toBe(true);
    const gateway = await raw(chatUrl(), {
      headers: headers("status=502,wrong-content-type"),
      body: streamBody,
    });
    expect([gateway.status, gateway.headers["content-type"]]).toEqual([502, "text/html"]);
  });
});

describe("huge streams", () => {
  it("respects backpressure while the client is paused, then delivers ~BYTES with flat memory", async () => {
    const target = 64 * 1024 * 1024;
    const heapBefore = process.memoryUsage().heapUsed;
    let maxHeap = heapBefore;
    const result = await new Promise<{ whilePaused: number; total: number }>((resolve, reject) => {
      const req = request(chatUrl(), { method: "POST", headers: headers(`huge=${target}`) }, (res) => {
        res.pause();
        setTimeout(() => {
          const whilePaused = ctx.fake.records[0]!.bytesSent;
          let total = 0;
          let n = 0;
          res.on("data", (c: Buffer) => {
            total += c.length;
            if (++n % 500 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
          });
          res.on("end", () => resolve({ whilePaused, total }));
          res.on("error", reject);
          res.resume();
        }, 300);
      });
      req.on("error", reject);
      req.end(streamBody);
    });
    expect(result.whilePaused).toBeLessThan(16 * 1024 * 1024);
    expect(result.total).toBeGreaterThanOrEqual(target);
    expect(result.total).toBeLessThan(target + 64 * 1024);
    expect(maxHeap - heapBefore).toBeLessThan(48 * 1024 * 1024);
    const rec = await ctx.fake.waitForRecord((r) => r.completed);
    expect(rec.bytesSent).toBe(result.total);
  }, 20_000);

  it("a huge stream still ends with valid closing events the SDKs accept", async () => {
    const client = new Anthropic({
      apiKey: FAKE_KEYS.anthropic,
      baseURL: ctx.fake.baseUrls.anthropic,
      maxRetries: 0,
    });
    const final = await client.messages
      .stream(
        { model: "claude-sonnet-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] },
        { headers: { "x-fake-fault": "huge=300000" } },
      )
      .finalMessage();
    const text = final.content[0]?.type === "text" ? final.content[0].text : "";
    expect(text.length).toBeGreaterThan(250_000);
    expect(final.usage.output_tokens % TOKENS_PER_EVENT).toBe(0);

    const sdk = new OpenAI({ apiKey: FAKE_KEYS.openai, baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 });
    const resp = await sdk.responses
      .stream({ model: "gpt-4.1", input: "hi" }, { headers: { "x-fake-fault": "huge=200000" } })
      .finalResponse();
    expect(resp.output_text.length).toBeGreaterThan(100_000);
  });
});
