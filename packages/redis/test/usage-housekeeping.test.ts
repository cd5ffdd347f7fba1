/**
 * The Redis usage store's housekeeping beyond the core contract: the per-run limit and `more`, rollups that
 * race each other, the expiry a fold keeps, and one pass of core's `housekeeping()` over the store.
 */
import { emptyCounters, housekeeping, type UsageCounters } from "@sluice/core";
import { afterAll, expect, it } from "vitest";
import { redisUsageStore } from "../src/index.js";
import { startRedisServer } from "./tooling/redis-server.js";
import { RespConnection } from "./tooling/resp.js";
import { respCommands } from "./tooling/resp-commands.js";

const server = await startRedisServer();
const connection = await RespConnection.open(server.port);
const redis = respCommands(connection);
afterAll(async () => {
  connection.close();
  await server.stop();
});

const requests = (n: number): UsageCounters => ({ ...emptyCounters(), requests: n, inputTokens: 10 * n });
const hourly = (day: string) => Array.from({ length: 24 }, (_, h) => `${day}T${String(h).padStart(2, "0")}`);

it("stops at its limit after a whole day, reports more, and the next runs carry on", async () => {
  const store = redisUsageStore(redis, { prefix: "limit:", housekeepingLimit: 2 });
  const days = ["1961-01-01", "1961-01-02", "1961-01-03"];
  for (const day of days) {
    for (const keyId of ["a", "b", "c"]) {
      await store.add({ keyId, model: "m", hour: `${day}T05`, counters: requests(1) });
      await store.add({ keyId, model: "m", hour: `${day}T06`, counters: requests(2) });
    }
  }
  const steps = [];
  for (let run = 0; run < 4; run++) steps.push(await store.rollup!("1961-01-04"));
  // Each day holds 3 hashes, over the limit of 2: every run finishes one day and stops there.
  expect(steps).toEqual([
    { rows: 6, more: true },
    { rows: 6, more: true },
    { rows: 6, more: false },
    { rows: 0, more: false },
  ]);
  const rows = await store.query({ from: "1961-01-01T00", to: "1961-01-03T23" });
  expect(rows.map((r) => `${r.keyId} ${r.hour} ${r.counters.requests}`).sort()).toEqual(
    days.flatMap((day) => ["a", "b", "c"].map((k) => `${k} ${day}T00 3`)).sort(),
  );
});

it("two rollups at once fold each day once, and 200 adds racing with them all count", async () => {
  const store = redisUsageStore(redis, { prefix: "race:" });
  const day = "1962-06-01";
  let want = 0;
  const adds = hourly(day).flatMap((hour, i) =>
    ["k1", "k2"].map((keyId) => {
      want += i + 1;
      return store.add({ keyId, model: "m", hour, counters: requests(i + 1) });
    }),
  );
  const late = Array.from({ length: 200 }, (_, i) => {
    want += 1;
    return store.add({ keyId: `k${i % 5}`, model: "m", hour: hourly(day)[i % 24]!, counters: requests(1) });
  });
  await Promise.all(adds);
  await Promise.all([...late, store.rollup!("1962-06-02"), store.rollup!("1962-06-02")]);
  await store.rollup!("1962-06-02");
  const rows = await store.query({ from: `${day}T00`, to: `${day}T23` });
  expect(rows.every((r) => r.hour === `${day}T00`)).toBe(true);
  expect(rows.reduce((n, r) => n + r.counters.requests, 0)).toBe(want);
  expect(rows.reduce((n, r) => n + r.counters.inputTokens, 0)).toBe(10 * want);
});

it("a fold keeps the hash's expiry, and a prune leaves no key of the day behind", async () => {
  const store = redisUsageStore(redis, { prefix: "ttl:", retentionDays: 30 });
  await store.add({ keyId: "k", model: "m", hour: "1963-03-03T07", counters: requests(1) });
  await store.rollup!("1963-03-04");
  const [ttl] = await connection.send([["TTL", "ttl:rows:1963-03-03:k"]]);
  expect(Number(ttl)).toBeGreaterThan(29 * 86_400);
  expect(await store.prune!("1963-03-04")).toEqual({ rows: 1, more: false });
  const [keys] = await connection.send([["KEYS", "ttl:*"]]);
  expect(keys).toEqual([]);
});

it("core's housekeeping() rolls up and prunes the store by the retention", async () => {
  const store = redisUsageStore(redis, { prefix: "pass:" });
  const now = Date.parse("2026-12-06T12:00:00Z");
  const add = (hour: string, n: number) => store.add({ keyId: "k", model: "m", hour, counters: requests(n) });
  await add("2026-11-01T03", 1); // rolled up (older than 7 days), kept (newer than 60)
  await add("2026-11-01T04", 2);
  await add("2026-10-01T05", 4); // pruned (older than 60 days)
  await add("2026-12-01T06", 8); // stays hourly
  const report = await housekeeping({ usage: store }, { hourlyDays: 7, days: 60 }, now);
  // Pruned first, so the 2026-10-01 row is deleted, not folded then deleted.
  expect(report).toMatchObject({ rolledUp: 2, pruned: 1, more: false, notes: [] });
  const rows = await store.query({ keyId: "k", from: "2026-09-01T00", to: "2026-12-06T23" });
  expect(rows.map((r) => `${r.hour} ${r.counters.requests}`).sort()).toEqual([
    "2026-11-01T00 3",
    "2026-12-01T06 8",
  ]);
});

it("a run killed after claiming a day leaves it to the next run, for a rollup and for a prune", async () => {
  const store = redisUsageStore(redis, { prefix: "killed:", retentionDays: 0 });
  await store.add({ keyId: "k", model: "m", hour: "1964-04-04T05", counters: requests(1) });
  await store.add({ keyId: "k", model: "m", hour: "1964-04-04T06", counters: requests(2) });
  // The killed run: its commands stop answering once it has claimed the day and asks for the day's keys.
  const killed = redisUsageStore(
    { ...redis, smembers: () => new Promise<never>(() => {}) },
    { prefix: "killed:" },
  );
  void killed.rollup!("1964-04-05");
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await store.rollup!("1964-04-05")).toEqual({ rows: 2, more: false });
  const rows = await store.query({ keyId: "k", from: "1964-04-04T00", to: "1964-04-04T23" });
  expect(rows.map((r) => `${r.hour} ${r.counters.requests}`)).toEqual(["1964-04-04T00 3"]);

  void killed.prune!("1964-04-05");
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await store.prune!("1964-04-05")).toEqual({ rows: 1, more: false });
  const [keys] = await connection.send([["KEYS", "killed:*"]]);
  expect(keys).toEqual([]);
});
