/**
 * The option rule every adapter follows (docs/adapters.md, "One option, every adapter"): `managedKeys` and
 * `usage` are on by default when Redis and the admin key are there, `false` turns them off, `true` without
 * Redis is a startup error naming the fix; and one JSON metric line per call is the default. Against a real
 * redis-server.
 */
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, expect, it, vi } from "vitest";
import { startRedisServer } from "../../redis/test/tooling/redis-server.js";
import { ConfigurationError, createHandler, type NodeHandlerOptions } from "../src/index.js";

const server = await startRedisServer();
const fake = await startFakeUpstream();
afterAll(async () => {
  await fake.close();
  await server.stop();
});

const ADMIN = "sluice-node-options-admin-0001";
const base = {
  OPENAI_API_KEY: FAKE_KEYS.openai,
  OPENAI_BASE_URL: fake.baseUrls.openai,
  SLUICE_KEYS: "static-key-1",
};
const withRedis = { ...base, REDIS_URL: `redis://127.0.0.1:${server.port}`, SLUICE_ADMIN_KEY: ADMIN };

const admin = (path: string) =>
  new Request(`http://gateway.test/_sluice/${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
const chat = () =>
  new Request("http://gateway.test/openai/v1/chat/completions", {
    method: "POST",
    headers: { authorization: "Bearer static-key-1", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });

/** Status of the admin API's keys and usage endpoints under these options, with Redis and the admin key set. */
async function adminStatuses(options: NodeHandlerOptions) {
  const handler = createHandler({
    env: withRedis,
    prefix: `${crypto.randomUUID()}:`,
    metrics: [],
    ...options,
  });
  try {
    const keys = await handler(admin("keys"));
    const usage = await handler(admin("usage?key=key_none"));
    return { keys: keys.status, usage: usage.status };
  } finally {
    await handler.drain();
    await handler.close();
  }
}

it("with Redis and the admin key, managed keys and usage are on; false turns each off alone", async () => {
  expect(await adminStatuses({})).toEqual({ keys: 200, usage: 200 });
  // 404 is the admin API's "this needs a store you did not configure".
  expect(await adminStatuses({ usage: false })).toEqual({ keys: 200, usage: 404 });
  expect(await adminStatuses({ managedKeys: false })).toEqual({ keys: 404, usage: 200 });
});

it("managedKeys: true or usage: true without Redis is a startup error naming REDIS_URL", () => {
  for (const option of [{ managedKeys: true }, { managedKeys: { primaryLookups: true } }, { usage: true }]) {
    const start = () => createHandler({ env: base, ...option });
    expect(start).toThrow(ConfigurationError);
    expect(start).toThrow(/needs Redis: REDIS_URL is not set/);
  }
  expect(() => createHandler({ env: { ...base, SLUICE_ADMIN_KEY: ADMIN } })).toThrow(/REDIS_URL is not set/);
  // Off on purpose needs no store.
  expect(() => createHandler({ env: base, managedKeys: false, usage: false })).not.toThrow();
});

it("writes one core metric line per call by default, and none with metrics: []", async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    for (const metrics of [undefined, []]) {
      const handler = createHandler({ env: base, ...(metrics ? { metrics } : {}) });
      expect((await handler(chat())).status).toBe(200);
      await handler.drain();
    }
  } finally {
    log.mockRestore();
  }
  const points = lines.filter((line) => line.startsWith('{"event":"sluice.metric"'));
  expect(points).toHaveLength(1);
  expect(JSON.parse(points[0]!)).toMatchObject({
    provider: "openai",
    status: 200,
    keyId: expect.any(String),
  });
  expect(lines.join("\n")).not.toContain("static-key-1");
});
