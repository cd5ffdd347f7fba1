/**
 * Housekeeping: the rollup keeps what `/_sluice/usage` and the dashboard answer, the prune keeps to its
 * retention, buckets past their TTL go where the store does not expire them, and a wrong retention fails at
 * start.
 */
import { describe, expect, it } from "vitest";
import { dashboardData } from "../src/dashboard/data.js";
import { createGateway, housekeeping } from "../src/index.js";
import {
  memoryKeyStore,
  memoryRateLimitStore,
  memorySecrets,
  memoryUsageStore,
} from "../src/memory/index.js";
import { emptyCounters, hourOf, type UsageStore } from "../src/ports/usage.js";

const ADMIN = "admin-secret-for-housekeeping-01";
const NOW = Date.parse("2026-12-06T10:30:00Z");
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** 50 days of usage for three keys, several hours a day and two models, plus rows long past the retention. */
async function history(usage: UsageStore) {
  for (let h = 0; h < 50 * 24; h += 5) {
    for (const [k, keyId] of ["key_a", "key_b", "key_c"].entries()) {
      const n = h + k + 1;
      await usage.add({
        keyId,
        model: h % 2 ? "claude-sonnet-4-6" : "gpt-5",
        hour: hourOf(NOW - h * HOUR),
        counters: {
          ...emptyCounters(),
          requests: 1,
          inputTokens: 100 * n,
          outputTokens: 7 * n,
          cacheReadTokens: 3 * n,
          costNanoUsd: 12_345 * n,
          latencyMs: 50 * n,
          ttfbMs: 9 * n,
          ttfbCount: 1,
          errors: n % 4 ? {} : { overloaded: 1 },
        },
      });
    }
  }
  await usage.add({
    keyId: "key_a",
    model: "gpt-5",
    hour: hourOf(NOW - 500 * DAY),
    counters: { ...emptyCounters(), requests: 9 },
  });
}

function stack() {
  const usage = memoryUsageStore();
  const keys = memoryKeyStore();
  const rateLimit = memoryRateLimitStore();
  const gateway = createGateway({
    secrets: memorySecrets({ SLUICE_ADMIN_KEY: ADMIN }),
    clients: { keys },
    stores: { usage, counters: rateLimit },
    retention: { hourlyDays: 7, days: 400 },
  });
  const report = async (key: string, from: string, to: string) => {
    const url = `http://gw/_sluice/usage?key=${key}&from=${from}&to=${to}`;
    const response = await gateway.fetch(new Request(url, { headers: { authorization: `Bearer ${ADMIN}` } }));
    expect(response.status).toBe(200);
    return response.json();
  };
  const dashboard = async () => {
    const data = await dashboardData({ usage, keys, counters: rateLimit }, 30, NOW);
    const sorted = <T>(map: Map<string, T>) => [...map].sort(([a], [b]) => (a < b ? -1 : 1));
    return {
      total: data.total,
      perDay: sorted(data.perDay),
      perHour: sorted(data.perHour),
      models: data.models,
      keys: data.keys.map((k) => [k.id, k.counters]),
    };
  };
  return { usage, gateway, report, dashboard };
}

describe("housekeeping", () => {
  it("after a rollup, /_sluice/usage and the dashboard answer exactly what they did before", async () => {
    const { usage, gateway, report, dashboard } = stack();
    await history(usage);
    const ranges = [
      ["2026-10-20", "2026-12-06"],
      ["2026-11-28", "2026-11-30"],
      ["2026-11-29", "2026-11-29"],
    ];
    const before = await Promise.all(ranges.map(([f, t]) => report("key_b", f!, t!)));
    const dashboardBefore = await dashboard();
    const rowsBefore = (await usage.query({ from: "2020-01-01T00", to: "2026-12-06T23" })).length;

    const result = await gateway.housekeeping(NOW);
    expect(result).toMatchObject({ rolledUpBefore: "2026-11-29", prunedBefore: "2025-11-01", more: false });
    expect(result.rolledUp).toBeGreaterThan(400);
    expect(result.pruned).toBe(1);

    // Same answers, and the same JSON byte for byte.
    expect(await Promise.all(ranges.map(([f, t]) => report("key_b", f!, t!)))).toEqual(before);
    expect(await dashboard()).toEqual(dashboardBefore);
    // Fewer rows: a rolled day is one row per key and model (here about 5 hourly rows become 2).
    const after = await usage.query({ from: "2020-01-01T00", to: "2026-12-06T23" });
    expect(after.length).toBeLessThan(rowsBefore * 0.6);
    expect(after.filter((r) => r.hour < "2026-11-29" && !r.hour.endsWith("T00"))).toEqual([]);
    expect(after.filter((r) => r.hour >= "2026-11-29" && !r.hour.endsWith("T00")).length).toBeGreaterThan(0);
    // A second pass finds nothing to do.
    expect(await gateway.housekeeping(NOW)).toMatchObject({ rolledUp: 0, pruned: 0 });
  });

  it("the prune keeps the oldest retained day and deletes the one before it", async () => {
    const usage = memoryUsageStore();
    const row = (hour: string) => ({
      keyId: "k",
      model: "m",
      hour,
      counters: { ...emptyCounters(), requests: 1 },
    });
    await usage.add(row("2025-11-01T23"));
    await usage.add(row("2025-10-31T23"));
    const result = await housekeeping({ usage }, { days: 400 }, NOW);
    expect(result.prunedBefore).toBe("2025-11-01");
    const left = await usage.query({ from: "2025-10-01T00", to: "2025-11-30T23" });
    expect(left.map((r) => r.hour)).toEqual(["2025-11-01T00"]); // kept, and rolled into its day row
  });

  it("days: Infinity keeps every row; buckets past their TTL go from a store that keeps them", async () => {
    let clock = NOW;
    const rateLimit = memoryRateLimitStore(() => clock);
    await rateLimit.take("a", 1, { capacity: 5, refillPerSecond: 0, ttlSeconds: 60 });
    await rateLimit.take("b", 1, { capacity: 5, refillPerSecond: 0, ttlSeconds: 3_600 });
    const usage = memoryUsageStore();
    await usage.add({
      keyId: "k",
      model: "m",
      hour: "2000-01-01T05",
      counters: { ...emptyCounters(), requests: 1 },
    });
    clock += 61_000;
    const result = await housekeeping(
      { usage, counters: rateLimit },
      { days: Number.POSITIVE_INFINITY },
      clock,
    );
    expect(result).toMatchObject({ buckets: 1, pruned: 0, prunedBefore: null });
    expect((await usage.query({ from: "2000-01-01T00", to: "2000-01-01T23" })).length).toBe(1);
    // "a" expired and was deleted: it reads full again; "b" kept its spend.
    expect(
      (await rateLimit.take("b", 0, { capacity: 5, refillPerSecond: 0, ttlSeconds: 3_600 })).remaining,
    ).toBe(4);
  });

  it("says what it could not do: no usage store, a store without the steps, a store that expires buckets itself", async () => {
    const bare: UsageStore = { add: async () => {}, query: async () => [] };
    const selfExpiring = { take: memoryRateLimitStore().take };
    expect((await housekeeping({}, {}, NOW)).notes).toEqual(["no usage store"]);
    expect((await housekeeping({ usage: bare, counters: selfExpiring }, {}, NOW)).notes).toEqual([
      "the usage store does not prune here (it expires rows itself, or keeps them)",
      "the usage store cannot roll up: old rows stay hourly",
      "the counters store expires its buckets itself",
    ]);
  });

  it("a retention that would roll up the dashboard's last 48 hours, or prune before rolling up, fails at start", () => {
    const secrets = memorySecrets({});
    expect(() => createGateway({ secrets, retention: { hourlyDays: 1 } })).toThrow(
      /hourlyDays must be a whole number ≥ 2/,
    );
    expect(() => createGateway({ secrets, retention: { hourlyDays: 7, days: 3 } })).toThrow(
      /retention.days must be/,
    );
    expect(() => createGateway({ secrets, retention: { days: 1.5 } })).toThrow(RangeError);
  });
});
