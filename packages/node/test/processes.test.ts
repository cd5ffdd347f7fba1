/**
 * Several gateway processes (the built package, as the example runs it) behind no balancer but the test's
 * round robin, sharing one real redis-server: a rate limit holds across all of them exactly. Also what a
 * process does without Redis when a setting needs it, and on SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../redis/test/tooling/redis-server.js";

const entry = fileURLToPath(new URL("./fixtures/gateway-process.mjs", import.meta.url));
const KEY = "sluice-node-processes-0001";
const LIMIT = 137;
const PROCESSES = 3;
const CALLS = 1000;

let redis: RedisServer;
let fake: FakeUpstream;
const children: ChildProcess[] = [];

function start(env: Record<string, string>): {
  child: ChildProcess;
  url: Promise<string>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const match = /listening (\S+)/.exec(String(d));
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
  });
  url.catch(() => {}); // a process expected to fail has nobody waiting for its URL
  return { child, url, stderr: () => stderr };
}

const baseEnv = () => ({
  OPENAI_API_KEY: FAKE_KEYS.openai,
  OPENAI_BASE_URL: fake.baseUrls.openai,
  SLUICE_KEYS: KEY,
  REDIS_URL: `redis://127.0.0.1:${redis.port}`,
});

beforeAll(async () => {
  redis = await startRedisServer();
  fake = await startFakeUpstream();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await fake?.close();
  await redis?.stop();
});

describe(`${PROCESSES} gateway processes sharing one redis-server`, () => {
  it(`admit exactly ${LIMIT} of ${CALLS} concurrent calls on one key`, async () => {
    // A long window: no whole token refills while the test runs, so the count is exact.
    const env = { ...baseEnv(), SLUICE_RATE_LIMIT: `${LIMIT}/3600s` };
    const urls = await Promise.all(Array.from({ length: PROCESSES }, () => start(env).url));
    const before = fake.records.length;
    const statuses = await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const response = await fetch(`${urls[i % PROCESSES]}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `call ${i}` }] }),
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s === 200).length).toBe(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(CALLS - LIMIT);
    expect(fake.records.length - before).toBe(LIMIT);
  });

  it("exits 0 on SIGTERM once drained, its Redis connection closed", async () => {
    const gateway = start(baseEnv());
    const url = await gateway.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    gateway.child.kill("SIGTERM");
    const [code] = await once(gateway.child, "exit");
    expect(code).toBe(0);
  });
});

describe("a setting that needs Redis without REDIS_URL", () => {
  for (const [name, value] of [
    ["SLUICE_RATE_LIMIT", "60/60s"],
    ["SLUICE_CACHE_TTL", "300"],
    ["SLUICE_ADMIN_KEY", "sluice-admin-secret-value-0002"],
  ] as const) {
    it(`${name}: the process fails at startup naming REDIS_URL, and no secret`, async () => {
      const { REDIS_URL: _none, ...env } = baseEnv();
      const gateway = start({ ...env, [name]: value });
      const [code] = await once(gateway.child, "exit");
      expect(code).not.toBe(0);
      expect(gateway.stderr()).toContain(`${name}`);
      expect(gateway.stderr()).toContain("REDIS_URL is not set");
      expect(gateway.stderr()).not.toContain(FAKE_KEYS.openai);
      if (name === "SLUICE_ADMIN_KEY") expect(gateway.stderr()).not.toContain(value);
    });
  }
});
