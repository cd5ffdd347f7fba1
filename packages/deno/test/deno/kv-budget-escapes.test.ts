/**
 * The budget escapes of issue 12 in real Deno, budgets and the single-flight gate in real Deno KV (through
 * `kvRateLimitStore`), against the fake upstream in a Node child process. Requests are sent in each
 * provider's wire shape (the SDKs cannot be fetched offline from Deno).
 */
import { createClientKey } from "@sluice/core";
import { createHandler, kvKeyStore, kvRateLimitStore } from "../../src/index.ts";
import { assert, assertEquals } from "./assert.ts";

const fakeProcess = new Deno.Command("node", {
  args: [new URL("../../../fake-upstream/dist/cli.js", import.meta.url).pathname],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const lines = fakeProcess.stdout.pipeThrough(new TextDecoderStream()).getReader();
let first = "";
while (!first.includes("\n")) {
  const { value, done } = await lines.read();
  if (done) throw new Error(`the fake upstream did not start: ${first}`);
  first += value;
}
await lines.cancel();
const fake = JSON.parse(first) as { url: string; baseUrls: Record<string, string> };
globalThis.addEventListener("unload", () => fakeProcess.kill());

const kv = await Deno.openKv(":memory:");
const keys = kvKeyStore(kv, { prefix: ["escapes", "keys"] });
const rateLimit = kvRateLimitStore(kv, { prefix: ["escapes", "rl"] });
// The fake upstream's default provider keys (FAKE_KEYS in @sluice/fake-upstream).
const secrets: Record<string, string> = {
  ANTHROPIC_API_KEY: "sk-ant-fake-upstream-0001",
  OPENAI_API_KEY: "sk-fake-openai-0001",
};
const handler = createHandler({
  env: {
    get: (name: string) =>
      ({ ANTHROPIC_BASE_URL: fake.baseUrls.anthropic, OPENAI_BASE_URL: fake.baseUrls.openai })[name],
  },
  secrets: { get: (name) => secrets[name] },
  clients: { keys },
  stores: { counters: rateLimit },
  limits: { budgets: { gateWaitMs: 60_000 } },
});
const opts = { sanitizeOps: false, sanitizeResources: false };
const REPLY =
  "Sluice fake upstream says hello: this reply is deterministic, so every test can check it byte for byte.";

async function budgetKey(tokens: number) {
  const { key, record } = await createClientKey({ budget: { tokens, window: "day" } });
  await keys.put(record);
  const run = crypto.randomUUID();
  const spent = async () => {
    await handler.drain();
    const day = new Date().toISOString().slice(0, 10);
    const left = await rateLimit.take(`budget:${record.id}:${day}`, 0, {
      capacity: tokens,
      refillPerSecond: 0,
    });
    return tokens - left.remaining;
  };
  const billed = async (path: string, perCall: number) => {
    const records = (await (await fetch(`${fake.url}/_fake/records`)).json()) as {
      path: string;
      status: number;
      headers: Record<string, string>;
    }[];
    const mine = records.filter(
      (r) => r.headers["x-test-run"] === run && r.path === path && r.status === 200,
    );
    return mine.length * perCall;
  };
  return { key, run, spent, billed };
}

const openai = (key: string, body: object, headers: Record<string, string>, signal?: AbortSignal) =>
  handler(
    new Request("http://sluice.test/openai/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal,
    }),
  );
const anthropic = (key: string, body: object, headers: Record<string, string>) =>
  handler(
    new Request("http://sluice.test/anthropic/v1/messages", {
      method: "POST",
      headers: {
        "x-api-key": key,
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
        ...headers,
      },
      body: JSON.stringify(body),
    }),
  );

Deno.test({
  name: "budget escape 1: a document by file id is counted; image URLs pass the key's gate one at a time",
  ...opts,
  async fn() {
    const budget = 50_000;
    const headersOf = (run: string) => ({
      "x-test-run": run,
      "x-fake-usage": "input=20000,output=50",
      "x-fake-fault": "drip=20",
    });
    const a = await budgetKey(budget);
    const document = {
      model: "claude-haiku-4-5",
      max_tokens: 100,
      stream: true,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "file", file_id: "file_011CNha8iCJcU1wXNR6q4V8w" } },
            { type: "text", text: "Summarize this." },
          ],
        },
      ],
    };
    const o = await budgetKey(budget);
    const image = {
      model: "gpt-4.1-mini",
      max_tokens: 100,
      stream: true,
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "https://example.com/scan.png" } },
            { type: "text", text: "Transcribe this." },
          ],
        },
      ],
    };
    // Each call reads its own answer, as separate clients would: a gated call waits for the one before it.
    await Promise.all([
      ...Array.from({ length: 10 }, () => anthropic(a.key, document, headersOf(a.run)).then((r) => r.text())),
      ...Array.from({ length: 10 }, () => openai(o.key, image, headersOf(o.run)).then((r) => r.text())),
    ]);
    for (const [k, path] of [
      [a, "/anthropic/v1/messages"],
      [o, "/openai/v1/chat/completions"],
    ] as const) {
      const paid = await k.billed(path, 20_050);
      const charged = await k.spent();
      assert(paid > 0, `${path}: some calls admitted`);
      assert(charged >= paid, `${path}: spent ${charged} covers the billed ${paid}`);
      assert(charged <= budget + 20_050, `${path}: spent ${charged} within budget + one call`);
    }
  },
});

Deno.test({
  name: "budget escape 2: calls without max_tokens cannot jointly overrun",
  ...opts,
  async fn() {
    const budget = 20_000;
    const { key, run, spent, billed } = await budgetKey(budget);
    const body = {
      model: "gpt-4.1-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Write a long story." }],
    };
    const headers = { "x-test-run": run, "x-fake-usage": "input=10,output=8000", "x-fake-fault": "drip=20" };
    await Promise.all(Array.from({ length: 8 }, () => openai(key, body, headers).then((r) => r.text())));
    const paid = await billed("/openai/v1/chat/completions", 8010);
    const charged = await spent();
    assert(paid > 0, "some calls admitted");
    assert(charged >= paid, `spent ${charged} covers the billed ${paid}`);
    assert(charged <= budget + 8010, `spent ${charged} within budget + one call`);
  },
});

Deno.test({
  name: "budget escape 3: a stream that did not ask for usage is charged it, and shows no usage chunk",
  ...opts,
  async fn() {
    const budget = 400;
    const { key, run, spent, billed } = await budgetKey(budget);
    const body = {
      model: "gpt-4.1-mini",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: "Say hi." }],
    };
    let admitted = 0;
    for (let i = 0; i < 12; i++) {
      const response = await openai(key, body, { "x-test-run": run, "x-fake-usage": "input=40,output=10" });
      const text = await response.text();
      if (response.status === 200) {
        admitted++;
        assert(!text.includes('"choices":[]'), "no usage-only chunk reached the client");
      } else assertEquals(response.status, 429, "refused by the budget");
      await handler.drain();
    }
    const paid = await billed("/openai/v1/chat/completions", 50);
    const charged = await spent();
    assert(admitted < 12, "the budget ran out");
    assert(charged >= paid, `spent ${charged} covers the billed ${paid}`);
    assert(charged <= budget + 50, `spent ${charged} within budget + one call`);
  },
});

Deno.test({
  name: "budget escape 4: a client that leaves before the last event is charged no less than the provider bills",
  ...opts,
  async fn() {
    const { key, run, spent } = await budgetKey(10_000);
    const headers = { "x-test-run": run, "x-fake-usage": "input=30,output=60", "x-fake-fault": "drip=150" };
    const response = await openai(
      key,
      { model: "gpt-4.1-mini", max_tokens: 100, stream: true, messages: [{ role: "user", content: "hi" }] },
      headers,
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let events = "";
    while (text !== REPLY) {
      const { value, done } = await reader.read();
      if (done) break;
      events += decoder.decode(value, { stream: true });
      text = [...events.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]).join("");
    }
    await reader.cancel();
    assertEquals(text, REPLY, "the whole text arrived");
    const charged = await spent();
    assert(charged >= 90, `spent ${charged} covers the 90 tokens billed`);
  },
});
