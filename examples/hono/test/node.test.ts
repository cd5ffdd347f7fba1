// The core README's Node snippet (src/node.ts) as written, in its own Node process: configured only through
// the environment (the adapters' names), then the official SDK and the Vercel AI SDK over real HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, replyText, startFakeUpstream } from "@sluice/fake-upstream";
import { generateText, streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const KEYS = { sdk: "sk-node-sdk", ai: "sk-node-ai", limited: "sk-node-limited" };
const LIMIT = 4;
let fake: Awaited<ReturnType<typeof startFakeUpstream>>;
let child: ChildProcess;
let base: string;
let output = "";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  const port = await freePort();
  const tsx = join(import.meta.dirname, "..", "node_modules", ".bin", "tsx");
  child = spawn(tsx, [join(import.meta.dirname, "..", "src", "node.ts")], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      OPENAI_API_KEY: FAKE_KEYS.openai,
      SLUICE_KEYS: Object.values(KEYS).join(","),
      ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
      OPENAI_BASE_URL: fake.baseUrls.openai,
      SLUICE_RATE_LIMIT: `${LIMIT}/3600s`,
      SLUICE_CACHE_TTL: "60",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`src/node.ts exited (${code}):\n${output}`)));
    const check = setInterval(() => {
      if (output.includes(`http://127.0.0.1:${port}/llm`)) {
        clearInterval(check);
        resolve();
      }
    }, 50);
  });
  base = `http://127.0.0.1:${port}/llm`;
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await fake?.close();
});

describe("core README: Sluice on Node with Hono (env only)", () => {
  it("streams through the official SDK to the *_BASE_URL upstream", async () => {
    const client = new Anthropic({ apiKey: KEYS.sdk, baseURL: `${base}/anthropic`, maxRetries: 0 });
    const stream = client.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(await stream.finalText()).toBe(replyText());
    expect(fake.records.at(-1)?.path).toBe("/anthropic/v1/messages");
  });

  it("the Vercel AI SDK: @ai-sdk/anthropic with …/anthropic/v1, @ai-sdk/openai chat and responses", async () => {
    const anthropic = createAnthropic({ baseURL: `${base}/anthropic/v1`, apiKey: KEYS.ai });
    const openai = createOpenAI({ baseURL: `${base}/openai/v1`, apiKey: KEYS.ai });
    const seen: string[] = [];
    for (const model of [
      anthropic("claude-sonnet-4-6"),
      openai.chat("gpt-4.1-mini"),
      openai("gpt-4.1-mini"),
    ]) {
      let text = "";
      for await (const delta of streamText({ model, prompt: "hi", maxRetries: 0 }).textStream) text += delta;
      seen.push(text);
    }
    expect(seen).toEqual([replyText(), replyText(), replyText()]);
    expect(fake.records.slice(-3).map((r) => r.path)).toEqual([
      "/anthropic/v1/messages",
      "/openai/v1/chat/completions",
      "/openai/v1/responses",
    ]);
  });

  it("without /v1, @ai-sdk/anthropic gets a 404 in Anthropic's shape (why the README says /v1)", async () => {
    const anthropic = createAnthropic({ baseURL: `${base}/anthropic`, apiKey: KEYS.ai });
    const call = generateText({ model: anthropic("claude-sonnet-4-6"), prompt: "hi", maxRetries: 0 });
    await expect(call).rejects.toMatchObject({
      statusCode: 404,
      url: `${base}/anthropic/messages`,
      responseBody: expect.stringContaining('"type":"not_found_error"'),
    });
  });

  it("SLUICE_RATE_LIMIT from the environment is enforced: the call after the limit is a 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) {
      const response = await fetch(`${base}/anthropic/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": KEYS.limited, "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 8,
          messages: [{ role: "user", content: `n${i}` }],
        }),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
  });
});
