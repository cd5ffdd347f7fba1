// The request log in workerd: NDJSON batches in the real local R2 bucket, never a key, bodies only on opt-in.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import type { LogLine } from "../src/index.js";
import { claude, fakeKeys, gateway } from "./features-helpers.js";

async function batches(prefix: string): Promise<{ key: string; text: string }[]> {
  const listed = await env.OBJECTS.list({ prefix });
  return Promise.all(
    listed.objects.map(async (o) => ({ key: o.key, text: await (await env.OBJECTS.get(o.key))!.text() })),
  );
}

describe("requestLog", () => {
  test("a full batch is written as one NDJSON object of metadata, with no key anywhere", async () => {
    const prefix = `sluice-logs/test-${crypto.randomUUID()}/`;
    // The call that opens a batch holds a waitUntil for maxAgeMs: not awaited here ("leave").
    const { call, clientKey } = gateway({ requestLog: { prefix, maxEntries: 3, maxAgeMs: 1000 } });
    await call("/anthropic/v1/messages", { json: claude("one"), background: "leave" });
    await call("/anthropic/v1/messages", { json: claude("two", { stream: true }), background: "leave" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await batches(prefix)).toHaveLength(0); // two lines wait in memory for the third
    await call("/openai/v1/chat/completions", {
      json: { model: "gpt-4o-mini", messages: [{ role: "user", content: "three" }] },
    });
    const written = await batches(prefix);
    expect(written).toHaveLength(1);
    expect(written[0]!.key).toMatch(/\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/.+\.ndjson$/);
    const lines = written[0]!.text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as LogLine);
    expect(lines.map((l) => [l.route, l.status, l.stream])).toEqual([
      ["anthropic.messages", 200, false],
      ["anthropic.messages", 200, true],
      ["openai.chat", 200, false],
    ]);
    expect(lines[0]!.keyId).toMatch(/^key_[0-9a-f]{12}$/);
    expect(lines[1]!.outputTokens).toBeGreaterThan(0);
    expect(lines[0]!.request).toBeUndefined();
    expect(written[0]!.text).not.toContain(clientKey);
    for (const key of Object.values(fakeKeys)) expect(written[0]!.text).not.toContain(key);
  });

  test("a call refused by a later middleware is logged with the status the client got", async () => {
    const prefix = `sluice-logs/test-${crypto.randomUUID()}/`;
    const { call } = gateway({ requestLog: { prefix, maxEntries: 1 }, hydrate: true });
    const result = await call("/anthropic/v1/messages", {
      json: claude([{ type: "text", text: `sluice-object://shared/absent-${crypto.randomUUID()}` }]),
    });
    expect(result.status).toBe(400);
    const [batch] = await batches(prefix);
    const line = JSON.parse(batch!.text) as LogLine;
    expect([line.status, line.failure]).toEqual([400, "bad_request"]);
  });

  test("a batch that does not fill is written maxAgeMs after its first line", async () => {
    const prefix = `sluice-logs/test-${crypto.randomUUID()}/`;
    const { call } = gateway({ requestLog: { prefix, maxEntries: 100, maxAgeMs: 20 } });
    await call("/anthropic/v1/messages", { json: claude("lonely") });
    const written = await batches(prefix);
    expect(written).toHaveLength(1);
    expect(written[0]!.text.trimEnd().split("\n")).toHaveLength(1);
  });

  test("bodies: true logs headers and body as sent, without authorization / x-api-key / x-goog-api-key", async () => {
    const prefix = `sluice-logs/test-${crypto.randomUUID()}/`;
    const { call, clientKey } = gateway({
      requestLog: { prefix, maxEntries: 3, maxAgeMs: 1000, bodies: true },
      hydrate: true,
    });
    const marker = crypto.randomUUID();
    await env.OBJECTS.put(`shared/${marker}.txt`, `hydrated ${marker}`);
    await call("/anthropic/v1/messages", {
      json: claude([{ type: "text", text: `sluice-object://shared/${marker}.txt` }]),
      background: "leave",
    });
    await call("/openai/v1/chat/completions", {
      json: { model: "gpt-4o-mini", messages: [{ role: "user", content: `openai ${marker}` }] },
      background: "leave",
    });
    await call(`/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${clientKey}`, {
      json: { contents: [{ parts: [{ text: `gemini ${marker}` }] }] },
    });
    const [batch] = await batches(prefix);
    const lines = batch!.text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as LogLine);
    expect(lines).toHaveLength(3);
    // What the client sent (the reference), not the hydrated bytes.
    expect(lines[0]!.request?.body).toEqual(
      claude([{ type: "text", text: `sluice-object://shared/${marker}.txt` }]),
    );
    expect(lines[0]!.request?.headers["anthropic-version"]).toBe("2023-06-01");
    for (const line of lines) {
      for (const name of ["authorization", "x-api-key", "x-goog-api-key"])
        expect(line.request?.headers).not.toHaveProperty(name);
    }
    expect(lines[2]!.request?.path).toBe("/gemini/v1beta/models/gemini-2.5-flash:generateContent");
    expect(batch!.text).not.toContain(clientKey);
    for (const key of Object.values(fakeKeys)) expect(batch!.text).not.toContain(key);
  });
});
