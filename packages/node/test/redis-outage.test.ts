/**
 * Redis down is a clear error, never a hang: with `REDIS_URL` unreachable, a rate-limited call answers 503 in
 * the provider's error shape at once; when a real redis-server comes up on that address, calls are admitted
 * again without a restart; and closing a handler whose Redis never answered leaves no unhandled rejection.
 */
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, expect, it, vi } from "vitest";
import { freePort, type RedisServer, startRedisServer } from "../../redis/test/tooling/redis-server.js";
import { createHandler } from "../src/index.js";

const fake = await startFakeUpstream();
let redis: RedisServer | undefined;
afterAll(async () => {
  await fake.close();
  await redis?.stop();
});

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);
process.on("unhandledRejection", onRejection);
afterAll(() => void process.off("unhandledRejection", onRejection));

const port = await freePort(); // nothing listens here until the test starts redis-server on it
const env = {
  OPENAI_API_KEY: FAKE_KEYS.openai,
  OPENAI_BASE_URL: fake.baseUrls.openai,
  SLUICE_KEYS: "outage-client-key",
  SLUICE_RATE_LIMIT: "100/60s",
  REDIS_URL: `redis://127.0.0.1:${port}`,
};
const chat = () =>
  new Request("http://gateway.test/openai/v1/chat/completions", {
    method: "POST",
    headers: { authorization: "Bearer outage-client-key", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });

it("answers 503 in OpenAI's shape while Redis is down, then admits calls once it is up", async () => {
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const handler = createHandler({ env, metrics: [] });
  try {
    const down = await handler(chat());
    expect(down.status).toBe(503);
    expect(down.headers.get("content-type")).toContain("application/json");
    const body = (await down.json()) as { error?: { message?: string; type?: string } };
    expect(body.error?.message).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toContain(FAKE_KEYS.openai);

    redis = await startRedisServer(port);
    await vi.waitFor(async () => expect((await handler(chat())).status).toBe(200), {
      timeout: 10_000,
      interval: 100,
    });
  } finally {
    await handler.drain();
    await handler.close();
    error.mockRestore();
  }
});

it("close() before Redis ever answered stops reconnecting and leaves no unhandled rejection", async () => {
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const elsewhere = await freePort();
    const handler = createHandler({
      env: { ...env, REDIS_URL: `redis://127.0.0.1:${elsewhere}` },
      metrics: [],
    });
    await handler.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rejections).toEqual([]);
  } finally {
    error.mockRestore();
  }
});
