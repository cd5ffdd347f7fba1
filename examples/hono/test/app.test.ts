import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { serve } from "@hono/node-server";
import { FAKE_KEYS, replyText, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";

const KEY = "hono-example-key";
let fake: Awaited<ReturnType<typeof startFakeUpstream>>;
let server: ReturnType<typeof serve>;
let base: string;
let metrics: ReturnType<typeof createApp>["metrics"];

beforeAll(async () => {
  fake = await startFakeUpstream();
  const secrets: Record<string, string> = {
    ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
    OPENAI_API_KEY: FAKE_KEYS.openai,
    SLUICE_KEYS: KEY,
  };
  const created = createApp({ secrets: { get: (name) => secrets[name] }, baseUrls: fake.baseUrls });
  metrics = created.metrics;
  server = serve({ fetch: created.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});

describe("Sluice mounted in an existing Hono app", () => {
  it("keeps the app's own routes", async () => {
    const response = await fetch(`${base}/`);
    expect(await response.text()).toContain("My existing app");
  });

  it("serves the official SDKs under /llm, streaming", async () => {
    const anthropic = new Anthropic({ apiKey: KEY, baseURL: `${base}/llm/anthropic`, maxRetries: 0 });
    const message = await anthropic.messages
      .stream({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text", text: replyText() });

    const openai = new OpenAI({ apiKey: KEY, baseURL: `${base}/llm/openai/v1`, maxRetries: 0 });
    let text = "";
    const chunks = await openai.chat.completions.create({
      model: "gpt-4.1-mini",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    for await (const chunk of chunks) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe(replyText());
    expect(fake.records.every((r) => !JSON.stringify(r.headers).includes(KEY))).toBe(true);
  });

  it("runs the app's own Sluice middleware (team model policy) after auth", async () => {
    const body = JSON.stringify({
      model: "claude-opus-4-1",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
    });
    const headers = {
      "content-type": "application/json",
      "x-api-key": KEY,
      "anthropic-version": "2023-06-01",
    };
    const refused = await fetch(`${base}/llm/anthropic/v1/messages`, {
      method: "POST",
      body,
      headers: { ...headers, "x-team": "interns" },
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toContain('Team "interns" may not use claude-opus-4-1');
    const allowed = await fetch(`${base}/llm/anthropic/v1/messages`, {
      method: "POST",
      body,
      headers: { ...headers, "x-team": "research" },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("x-team")).toBe("research");
    // Without a key the policy never runs: auth answers first, in Anthropic's shape.
    const anonymous = await fetch(`${base}/llm/anthropic/v1/messages`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    expect(anonymous.status).toBe(401);
  });

  it("serves a repeated non-streamed call from its cache and records metrics", async () => {
    const body = JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "cache me" }] });
    const headers = { "content-type": "application/json", authorization: `Bearer ${KEY}` };
    const first = await fetch(`${base}/llm/openai/v1/chat/completions`, { method: "POST", body, headers });
    expect(first.headers.get("x-sluice-cache")).toBe("MISS");
    await first.text();
    await new Promise((r) => setTimeout(r, 50));
    const second = await fetch(`${base}/llm/openai/v1/chat/completions`, { method: "POST", body, headers });
    expect(second.headers.get("x-sluice-cache")).toBe("HIT");
    await new Promise((r) => setTimeout(r, 50));
    expect(metrics.points.some((p) => p.cache === "HIT" && p.route === "openai.chat")).toBe(true);
  });
});
