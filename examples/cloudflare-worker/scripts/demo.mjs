// The demo: this Worker under `wrangler dev` (workerd), the fake upstream behind it, and one streamed reply
// each through the official Anthropic and OpenAI SDKs, printed token by token. Run: `pnpm demo`.
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { startWranglerDev } from "./local.mjs";

const CLIENT_KEY = "sk-sluice-demo";
// SLUICE_DEMO_REAL=1 with ANTHROPIC_API_KEY / OPENAI_API_KEY set: the same demo against the real APIs.
const REAL = process.env.SLUICE_DEMO_REAL === "1";
// Ask the fake upstream for 12 deltas, 60 ms apart, so streaming is visible.
const SLOW = REAL ? undefined : { "x-fake-fault": "drip=60", "x-fake-events": "12" };
const write = (text) => process.stdout.write(text);

const started = Date.now();
const fake = REAL ? undefined : await startFakeUpstream();
let dev;
const stop = async () => {
  await dev?.stop();
  await fake?.close();
};
process.once("SIGINT", () => stop().then(() => process.exit(130)));

try {
  write("Starting the fake upstream and wrangler dev (workerd, local Durable Objects, KV, R2)… ");
  dev = await startWranglerDev({
    secrets: {
      ANTHROPIC_API_KEY: REAL ? process.env.ANTHROPIC_API_KEY : FAKE_KEYS.anthropic,
      OPENAI_API_KEY: REAL ? process.env.OPENAI_API_KEY : FAKE_KEYS.openai,
      SLUICE_KEYS: CLIENT_KEY,
    },
    vars: REAL ? {} : { ANTHROPIC_BASE_URL: fake.baseUrls.anthropic, OPENAI_BASE_URL: fake.baseUrls.openai },
  });
  write(`ready at ${dev.url} in ${Date.now() - started} ms\n\n`);

  const summary = [];

  const anthropic = new Anthropic({
    apiKey: CLIENT_KEY,
    baseURL: `${dev.url}/anthropic`,
    defaultHeaders: SLOW,
  });
  write("Anthropic SDK  › ");
  let t0 = Date.now();
  let first = -1;
  const stream = anthropic.messages.stream({
    model: "claude-sonnet-4-6",
    max_tokens: 256,
    messages: [{ role: "user", content: "Say something about sluices." }],
  });
  stream.on("text", (delta) => {
    if (first < 0) first = Date.now() - t0;
    write(delta);
  });
  const message = await stream.finalMessage();
  summary.push({
    client: "@anthropic-ai/sdk",
    route: "/anthropic/v1/messages",
    firstTokenMs: first,
    totalMs: Date.now() - t0,
    inputTokens: message.usage.input_tokens,
    outputTokens: message.usage.output_tokens,
  });
  write("\n\n");

  const openai = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${dev.url}/openai/v1`, defaultHeaders: SLOW });
  write("OpenAI SDK     › ");
  t0 = Date.now();
  first = -1;
  let usage;
  const chunks = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Say something about sluices." }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of chunks) {
    const delta = chunk.choices[0]?.delta.content;
    if (delta) {
      if (first < 0) first = Date.now() - t0;
      write(delta);
    }
    if (chunk.usage) usage = chunk.usage;
  }
  summary.push({
    client: "openai",
    route: "/openai/v1/chat/completions",
    firstTokenMs: first,
    totalMs: Date.now() - t0,
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
  });
  write("\n\n");

  console.table(summary);
  const forwarded = fake ? fake.records.filter((r) => r.completed).length : summary.length;
  console.log(
    `${forwarded} calls forwarded by the Worker to ${fake ? "the fake upstream" : "the real APIs"} with the operator's keys; ` +
      `the clients only ever held "${CLIENT_KEY}". Total ${Date.now() - started} ms.`,
  );
} catch (error) {
  console.error("\nThe demo failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await stop();
}
