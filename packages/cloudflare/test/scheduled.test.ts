// `createWorker().scheduled`: the cron trigger's handler runs the gateway's housekeeping on the real local
// Durable Objects and logs one JSON line of what it did (or why it did nothing).
import { emptyCounters } from "@sluice/core";
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createWorker, durableObjectUsageStore } from "../src/index.js";

const usage = durableObjectUsageStore(env.USAGE);
const counters = (n: number) => ({ ...emptyCounters(), requests: 1, inputTokens: n, costNanoUsd: 7 * n });

/** Runs the Worker's `scheduled` at `scheduledTime` to the end of its `waitUntil`; returns the logged lines. */
async function trigger(worker: ReturnType<typeof createWorker>, workerEnv: object, scheduledTime: number) {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "17 * * * *" }), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  log.mockRestore();
  error.mockRestore();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe("createWorker().scheduled", () => {
  test("a usage store that fails rejects the scheduled call and logs one line without secrets", async () => {
    const broken = {
      ...env,
      USAGE: {
        idFromName: () => {
          throw new Error("usage store down");
        },
        get: () => {
          throw new Error("usage store down");
        },
      },
    };
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const run = createWorker().scheduled(
      createScheduledController({ scheduledTime: Date.UTC(1500, 0, 20), cron: "17 * * * *" }),
      broken,
      createExecutionContext(),
    );
    await expect(run).rejects.toThrow();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: "sluice.housekeeping", error: expect.any(String) });
    for (const secret of [env.SLUICE_ADMIN_KEY, env.ANTHROPIC_API_KEY])
      expect(lines[0]).not.toContain(secret);
  });

  test("rolls old days up to T00 rows, deletes days past the retention, logs the report (no secrets)", async () => {
    const keyId = `scheduled-${crypto.randomUUID()}`;
    // The run is in 1500 (its scheduledTime): 1500-01-02 is older than 7 days, 1498 older than 400.
    await usage.add({ keyId, model: "m", hour: "1500-01-02T03", counters: counters(1) });
    await usage.add({ keyId, model: "m", hour: "1500-01-02T19", counters: counters(2) });
    await usage.add({ keyId, model: "m", hour: "1498-06-01T05", counters: counters(4) });
    await usage.add({ keyId, model: "m", hour: "1500-01-19T05", counters: counters(8) });
    const lines = await trigger(createWorker(), env, Date.UTC(1500, 0, 20, 0, 17));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: "sluice.housekeeping",
      cron: "17 * * * *",
      rolledUp: 2, // not the 1498 row: core prunes before it rolls up
      rolledUpBefore: "1500-01-13",
      pruned: 1,
      prunedBefore: "1498-12-16",
      buckets: 0,
      more: false,
      notes: ["the counters store expires its buckets itself"],
    });
    for (const secret of [env.SLUICE_ADMIN_KEY, env.ANTHROPIC_API_KEY])
      expect(JSON.stringify(lines)).not.toContain(secret);
    const rows = await usage.query({ keyId, from: "1498-01-01T00", to: "1500-12-31T23" });
    expect(rows.sort((a, b) => (a.hour < b.hour ? -1 : 1))).toEqual([
      { keyId, model: "m", hour: "1500-01-02T00", counters: { ...counters(3), requests: 2 } },
      { keyId, model: "m", hour: "1500-01-19T05", counters: counters(8) },
    ]);
  });

  test("without a usage store it does nothing and says why", async () => {
    const lines = await trigger(createWorker({ usage: false }), env, Date.now());
    expect(lines).toEqual([
      {
        event: "sluice.housekeeping",
        cron: "17 * * * *",
        skipped: expect.stringContaining("no usage store"),
      },
    ]);
  });
});
