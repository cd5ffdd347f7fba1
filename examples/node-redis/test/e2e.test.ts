/**
 * The example as its README runs it: `node server.ts` (twice, two processes) against a real redis-server and
 * the fake upstream; the official OpenAI SDK streams through it, the rate limit holds across both processes,
 * and SIGTERM drains and exits 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../../packages/redis/test/tooling/redis-server.js";

const here = fileURLToPath(new URL("..", import.meta.url));
const KEY = "sluice-example-node-0001";
const LIMIT = 7;
let redis: RedisServer;
let fake: FakeUpstream;
const processes: ChildProcess[] = [];
const urls: string[] = [];

function start(port: number): Promise<string> {
  const child = spawn(process.execPath, ["server.ts"], {
    cwd: here,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      OPENAI_API_KEY: FAKE_KEYS.openai,
      OPENAI_BASE_URL: fake.baseUrls.openai,
      SLUICE_KEYS: KEY,
      SLUICE_RATE_LIMIT: `${LIMIT}/3600s`,
      SLUICE_CACHE_TTL: "300",
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  processes.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const match = /listening on (\S+)/.exec(String(d));
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`server.ts exited ${code}: ${stderr}`)));
  });
}

/** A free port from the OS, for PORT. */
async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

beforeAll(async () => {
  redis = await startRedisServer();
  fake = await startFakeUpstream();
  urls.push(...(await Promise.all([start(await freePort()), start(await freePort())])));
});
afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill("SIGKILL");
  await fake?.close();
  await redis?.stop();
});

describe("examples/node-redis", () => {
  it("streams OpenAI chat chunks through the official SDK", async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${urls[0]}/openai/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "hello" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text.length).toBeGreaterThan(0);
  });

  it("holds the rate limit across both processes", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const client = new OpenAI({ apiKey: KEY, baseURL: `${urls[i % 2]}/openai/v1`, maxRetries: 0 });
        return client.chat.completions
          .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `call ${i}` }] })
          .then(
            () => 200,
            (error: unknown) => (error instanceof OpenAI.APIError ? (error.status ?? 0) : -1),
          );
      }),
    );
    // One call was spent streaming above.
    expect(statuses.filter((s) => s === 200).length).toBe(LIMIT - 1);
    expect(statuses.filter((s) => s === 429).length).toBe(40 - (LIMIT - 1));
  });

  it("exits 0 on SIGTERM", async () => {
    const child = processes[1]!;
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
