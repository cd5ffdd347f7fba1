/**
 * The README's demo: a fake provider and this app on loopback, and the official Anthropic and OpenAI SDKs
 * streaming through Sluice, tokens printed as they arrive. With ANTHROPIC_API_KEY / OPENAI_API_KEY set and
 * SLUICE_DEMO_REAL=1, the same code talks to the real APIs instead.
 */
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { serve } from "@hono/node-server";
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { createApp } from "./app.js";

const real = process.env.SLUICE_DEMO_REAL === "1";
const demoKey = "sluice-demo-key";
const fake = real ? undefined : await startFakeUpstream();
const secrets: Record<string, string | undefined> = real
  ? { ...process.env, SLUICE_KEYS: demoKey }
  : { ANTHROPIC_API_KEY: FAKE_KEYS.anthropic, OPENAI_API_KEY: FAKE_KEYS.openai, SLUICE_KEYS: demoKey };
const { app, metrics } = createApp({
  secrets: { get: (name) => secrets[name] },
  baseUrls: fake?.baseUrls ?? {},
});
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
const gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}/llm`;
// The fake provider drips its tokens so you can watch them stream.
const drip = fake ? { "x-fake-fault": "drip=60", "x-fake-events": "12" } : undefined;

console.log(
  `Sluice on ${gateway} → ${real ? "the real provider APIs" : `a local fake provider on ${fake?.url}`}\n`,
);

const anthropic = new Anthropic({ apiKey: demoKey, baseURL: `${gateway}/anthropic`, defaultHeaders: drip });
process.stdout.write("Anthropic (messages.stream): ");
const stream = anthropic.messages.stream({
  model: "claude-haiku-4-5",
  max_tokens: 200,
  messages: [{ role: "user", content: "Say hello from the edge in one sentence." }],
});
stream.on("text", (text) => process.stdout.write(text));
const message = await stream.finalMessage();
console.log(`\n  usage: ${JSON.stringify(message.usage)}\n`);

const openai = new OpenAI({ apiKey: demoKey, baseURL: `${gateway}/openai/v1`, defaultHeaders: drip });
process.stdout.write("OpenAI (chat.completions, stream): ");
const chunks = await openai.chat.completions.create({
  model: "gpt-4.1-mini",
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "Say hello from the edge in one sentence." }],
});
for await (const chunk of chunks) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
console.log("\n");

server.close();
await fake?.close();
await new Promise((resolve) => setTimeout(resolve, 50));
console.log("Metrics Sluice recorded (one point per call):");
for (const p of metrics.points) {
  console.log(
    `  ${p.route.padEnd(20)} ${p.model.padEnd(18)} status ${p.status}  in ${p.inputTokens}  out ${p.outputTokens}  cost $${p.costUsd.toFixed(6)}  ttfb ${p.ttfbMs} ms`,
  );
}
