/**
 * Housekeeping in the Node server against a real redis-server: N handlers (as N processes) share one Redis,
 * one of them runs each period under the `SET NX PX` lock, `serve()` runs it on its timer, and
 * `housekeeping: false` keeps it off.
 */
import { emptyCounters } from "@sluice/core";
import { redisUsageStore } from "@sluice/redis";
import { createClient } from "redis";
import { afterAll, expect, it, vi } from "vitest";
import { startRedisServer } from "../../redis/test/tooling/redis-server.js";
import { createHandler, nodeRedisCommands, serve } from "../src/index.js";

const server = await startRedisServer();
const client = await createClient({ url: `redis://127.0.0.1:${server.port}` }).connect();
const env = { REDIS_URL: `redis://127.0.0.1:${server.port}`, SLUICE_ADMIN_KEY: "sluice-node-admin-0001" };
afterAll(async () => {
  await client.close();
  await server.stop();
});

const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Hourly rows 10 days back under `prefix`, through the same layout the handler's store reads. */
async function seed(prefix: string, keyId: string) {
  const store = redisUsageStore(nodeRedisCommands(client), { prefix: `${prefix}usage:` });
  const day = dayAgo(10);
  for (const hh of ["03", "11", "17"]) {
    await store.add({
      keyId,
      model: "m",
      hour: `${day}T${hh}`,
      counters: { ...emptyCounters(), requests: 1 },
    });
  }
  return async () => (await client.hKeys(`${prefix}usage:rows:${day}:${keyId}`)).map((f) => f.slice(0, 6));
}

it("one of three handlers sharing the Redis runs a period's housekeeping, under a lock that lasts the period", async () => {
  const fields = await seed("three:", "k");
  const handlers = [1, 2, 3].map(() => createHandler({ env, prefix: "three:" }));
  try {
    const reports = await Promise.all(handlers.map((h) => h.housekeeping!({ lockMs: 60_000 })));
    expect(reports.filter((r) => r === null).length).toBe(2);
    expect(reports.find((r) => r !== null)).toMatchObject({ rolledUp: 3, more: false });
    expect(await fields()).toEqual(['["00",']);
    expect(await handlers[0]!.housekeeping!({ lockMs: 60_000 })).toBeNull(); // still this period
    const ttl = await client.pTTL("three:housekeeping:lock");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // Without lockMs (a direct call), no lock is taken or looked at.
    expect(await handlers[2]!.housekeeping!()).toMatchObject({ rolledUp: 0 });
  } finally {
    await Promise.all(handlers.map((h) => h.close()));
  }
});

it("serve() runs it at start and on its timer, logging one JSON report line per run", async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  const fields = await seed("timer:", "k");
  const handler = createHandler({ env, prefix: "timer:" });
  const running = await serve(handler, {
    port: 0,
    hostname: "127.0.0.1",
    signals: [],
    housekeeping: { everyMs: 200 },
  });
  try {
    await vi.waitFor(async () => expect(await fields()).toEqual(['["00",']), { timeout: 10_000 });
    await vi.waitFor(() => expect(lines.length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    const reports = lines.map((line) => JSON.parse(line) as { msg: string; rolledUp: number });
    expect(reports[0]).toMatchObject({ event: "sluice.housekeeping", rolledUp: 3 });
    expect(reports[1]).toMatchObject({ event: "sluice.housekeeping", rolledUp: 0 });
  } finally {
    await running.close();
    log.mockRestore();
  }
});

it("a handler with nothing to keep has no housekeeping (no usage store: no admin key)", () => {
  expect(createHandler({ env: {} }).housekeeping).toBeUndefined();
  expect(
    createHandler({ env: {}, stores: { usage: redisUsageStore(nodeRedisCommands(client)) } }).housekeeping,
  ).toBeTypeOf("function");
});

it("housekeeping: false runs nothing, however long the server is up", async () => {
  const fields = await seed("off:", "k");
  const handler = createHandler({ env, prefix: "off:" });
  const spy = vi.spyOn(handler, "housekeeping" as never);
  const running = await serve(handler, { port: 0, hostname: "127.0.0.1", signals: [], housekeeping: false });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(spy).not.toHaveBeenCalled();
    expect(await client.exists("off:housekeeping:lock")).toBe(0);
    expect((await fields()).length).toBe(3);
  } finally {
    await running.close();
  }
});
