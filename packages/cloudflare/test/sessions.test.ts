// Conversation sessions in workerd: the real SluiceSessions Durable Object (SQLite) holds the history, the
// fake upstream shows exactly what was forwarded.
import { env } from "cloudflare:workers";
import { replyText } from "@sluice/fake-upstream";
import { describe, expect, test } from "vitest";
import { claude, gateway, recordsWith } from "./features-helpers.js";

const messagesText = (body: string) => body.slice(body.indexOf('"messages":') + 11);

describe("conversationSessions (SESSIONS binding)", () => {
  test("Anthropic, streamed: history is prepended, the reply stored, the prefix byte-identical", async () => {
    const { call } = gateway();
    const session = { "x-sluice-session": `s-${crypto.randomUUID()}` };
    const marker = crypto.randomUUID();
    const turns = ["first", "second", "third"].map((word) => `${word} ${marker}`);
    const seen: string[] = [];
    for (const [i, text] of turns.entries()) {
      const result = await call("/anthropic/v1/messages", {
        json: claude(text, { stream: true }),
        headers: session,
      });
      expect(result.status, result.text).toBe(200);
      expect(result.text).toContain("event: message_stop");
      expect(result.response.headers.get("x-sluice-session-messages")).toBe(String(i * 2));
      const [record] = await recordsWith(text);
      seen.push(record!.body!);
    }
    const third = JSON.parse(seen[2]!);
    expect(third.messages).toEqual([
      { role: "user", content: turns[0] },
      { role: "assistant", content: [{ type: "text", text: replyText(5) }] },
      { role: "user", content: turns[1] },
      { role: "assistant", content: [{ type: "text", text: replyText(5) }] },
      { role: "user", content: turns[2] },
    ]);
    // Call 2's messages, minus the closing bracket, are the first bytes of call 3's: a stable cache prefix.
    const second = messagesText(seen[1]!);
    expect(messagesText(seen[2]!).startsWith(`${second.slice(0, second.lastIndexOf("]"))},`)).toBe(true);
    // The session header itself never goes upstream.
    expect(seen[2]).not.toContain("x-sluice-session");
  });

  test("OpenAI chat, non-streamed and streamed: the assistant message is kept in OpenAI's shape", async () => {
    const { call } = gateway();
    const session = { "x-sluice-session": `o-${crypto.randomUUID()}` };
    const marker = crypto.randomUUID();
    const ask = (content: string, stream: boolean) => ({
      model: "gpt-4o-mini",
      stream,
      messages: [{ role: "user", content }],
    });
    expect(
      (await call("/openai/v1/chat/completions", { json: ask(`one ${marker}`, false), headers: session }))
        .status,
    ).toBe(200);
    expect(
      (await call("/openai/v1/chat/completions", { json: ask(`two ${marker}`, true), headers: session }))
        .status,
    ).toBe(200);
    const last = await call("/openai/v1/chat/completions", {
      json: ask(`three ${marker}`, false),
      headers: session,
    });
    expect(last.status).toBe(200);
    const [record] = await recordsWith(`three ${marker}`);
    expect(JSON.parse(record!.body!).messages).toEqual([
      { role: "user", content: `one ${marker}` },
      { role: "assistant", content: replyText(5) },
      { role: "user", content: `two ${marker}` },
      { role: "assistant", content: replyText(5) },
      { role: "user", content: `three ${marker}` },
    ]);
  });

  test("sessions belong to the client key: the same id under another key starts empty", async () => {
    const id = `shared-${crypto.randomUUID()}`;
    const alice = gateway();
    const bob = gateway();
    await alice.call("/anthropic/v1/messages", {
      json: claude("alice's secret"),
      headers: { "x-sluice-session": id },
    });
    const result = await bob.call("/anthropic/v1/messages", {
      json: claude("bob"),
      headers: { "x-sluice-session": id },
    });
    expect(result.response.headers.get("x-sluice-session-messages")).toBe("0");
  });

  test("a failed call is not stored", async () => {
    const { call } = gateway();
    const session = { "x-sluice-session": `f-${crypto.randomUUID()}` };
    const failed = await call("/anthropic/v1/messages", {
      json: claude("this one fails"),
      headers: { ...session, "x-fake-fault": "status=400" },
    });
    expect(failed.status).toBe(400);
    const next = await call("/anthropic/v1/messages", { json: claude("again"), headers: session });
    expect(next.response.headers.get("x-sluice-session-messages")).toBe("0");
  });

  test("a stream the client abandons is not stored", async () => {
    const { env: testEnv, handler, clientKey } = gateway();
    const id = `a-${crypto.randomUUID()}`;
    // An execution context whose background work we can await once the client has hung up.
    const pending: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => pending.push(p),
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext;
    const send = (body: object, headers: Record<string, string> = {}) =>
      handler(
        new Request("https://sluice.test/anthropic/v1/messages", {
          method: "POST",
          headers: {
            "x-api-key": clientKey,
            "anthropic-version": "2023-06-01",
            "content-type": "application/json",
            "x-sluice-session": id,
            ...headers,
          },
          body: JSON.stringify(body),
        }),
        testEnv,
        ctx,
      );
    const response = await send(claude("abandoned", { stream: true }), { "x-fake-fault": "drip=50" });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await Promise.allSettled(pending);
    expect(pending.length).toBeGreaterThan(0);
    const again = await send(claude("next"));
    expect(again.headers.get("x-sluice-session-messages")).toBe("0");
    await again.arrayBuffer();
  });

  test("the cap drops the oldest whole turns, so the history still starts with a user message", async () => {
    const { call } = gateway({ sessions: { maxMessages: 4 } });
    const session = { "x-sluice-session": `c-${crypto.randomUUID()}` };
    const marker = crypto.randomUUID();
    for (const n of [1, 2, 3])
      await call("/anthropic/v1/messages", { json: claude(`turn ${n} ${marker}`), headers: session });
    await call("/anthropic/v1/messages", { json: claude(`turn 4 ${marker}`), headers: session });
    const [record] = await recordsWith(`turn 4 ${marker}`);
    const sent = JSON.parse(record!.body!).messages as { role: string; content: unknown }[];
    expect(sent.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(sent[0]!.content).toBe(`turn 2 ${marker}`);
  });

  test("with hydration: the history keeps the reference and each call re-hydrates it", async () => {
    const marker = crypto.randomUUID();
    await env.OBJECTS.put(`shared/${marker}.txt`, `contract text ${marker}`);
    const { call } = gateway({ hydrate: true });
    const session = { "x-sluice-session": `h-${crypto.randomUUID()}` };
    const doc = { type: "text", text: `sluice-object://shared/${marker}.txt` };
    await call("/anthropic/v1/messages", {
      json: claude([doc, { type: "text", text: `q1 ${marker}` }]),
      headers: session,
    });
    await call("/anthropic/v1/messages", { json: claude(`q2 ${marker}`), headers: session });
    const [first, second] = await recordsWith(`contract text ${marker}`);
    const sent = JSON.parse(second!.body!).messages;
    expect(sent[0].content[0]).toEqual({ type: "text", text: `contract text ${marker}` });
    expect(sent[2]).toEqual({ role: "user", content: `q2 ${marker}` });
    // The hydrated first message is the same bytes in both calls.
    const firstMessage = (body: string) => JSON.stringify(JSON.parse(body).messages[0]);
    expect(firstMessage(second!.body!)).toBe(firstMessage(first!.body!));
    expect(second!.body).toContain(firstMessage(first!.body!));
  });

  test("bad session ids and non-chat routes are refused in the provider's shape", async () => {
    const { call } = gateway();
    const bad = await call("/anthropic/v1/messages", {
      json: claude("x"),
      headers: { "x-sluice-session": "no spaces allowed" },
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).type).toBe("error");
    const gemini = await call("/gemini/v1beta/models/gemini-2.5-flash:generateContent", {
      json: { contents: [{ parts: [{ text: "x" }] }] },
      headers: { "x-sluice-session": "ok-id" },
    });
    expect(gemini.status).toBe(400);
    expect(JSON.parse(gemini.text).error.status).toBe("INVALID_ARGUMENT");
  });
});
