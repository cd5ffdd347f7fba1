/**
 * scheduleHousekeeping in-process. This package's deno.json does not enable "cron", so `Deno.cron` is really
 * missing here; the real trigger (`deno serve` with a cron socket) is tested in test/e2e/housekeeping-cron.
 */
import { emptyCounters } from "@sluice/core";
import { createHandler, type CronLike, kvUsageStore, scheduleHousekeeping } from "../../src/index.ts";
import { assert, assertEquals } from "./assert.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const env = (values: Record<string, string>) => ({ get: (name: string) => values[name] });
const SECRET = "sk-ant-never-logged-0001";

Deno.test({
  name: "cron: without Deno.cron (no --unstable-cron) the app still starts and a note names the flag",
  ...opts,
  async fn() {
    assertEquals(typeof (Deno as { cron?: unknown }).cron, "undefined", "this runtime has no Deno.cron");
    const kv = await Deno.openKv(":memory:");
    const lines: string[] = [];
    const handler = createHandler({ kv, env: env({ ANTHROPIC_API_KEY: SECRET }) });
    assertEquals(scheduleHousekeeping(handler, { log: (line) => lines.push(line) }), false, "not registered");
    const note = JSON.parse(lines[0] ?? "{}");
    assertEquals(note.event, "sluice.housekeeping", "one JSON line");
    assert(String(note.note).includes("--unstable-cron"), `names the flag: ${lines[0]}`);
    kv.close();
  },
});

Deno.test({
  name: "cron: nothing is scheduled without a usage store, and the note says why",
  ...opts,
  fn() {
    const lines: string[] = [];
    let registered = 0;
    const cron: CronLike = () => registered++;
    const handler = createHandler({ env: env({}) });
    assertEquals(handler.housekeeping, undefined, "no housekeeping without a usage store");
    assertEquals(scheduleHousekeeping(handler, { cron, log: (line) => lines.push(line) }), false, "skipped");
    assertEquals(registered, 0, "no job");
    assert(lines[0]?.includes("no usage store"), `the note: ${lines[0]}`);
  },
});

Deno.test({
  name: "cron: the job runs the gateway's housekeeping and logs its report as one JSON line, no secrets",
  ...opts,
  async fn() {
    const kv = await Deno.openKv(":memory:");
    const jobs: { name: string; schedule: string; run: () => Promise<void> }[] = [];
    const cron: CronLike = (name, schedule, run) => jobs.push({ name, schedule, run });
    const lines: string[] = [];
    const handler = createHandler({
      kv,
      env: env({ ANTHROPIC_API_KEY: SECRET, SLUICE_ADMIN_KEY: SECRET }),
      retention: { hourlyDays: 2, days: 30 },
    });
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const usage = kvUsageStore(kv);
    for (const hh of ["03", "04"]) {
      await usage.add({
        keyId: "k",
        model: "m",
        hour: `${old}T${hh}`,
        counters: { ...emptyCounters(), requests: 1 },
      });
    }
    assertEquals(
      scheduleHousekeeping(handler, { cron, log: (line) => lines.push(line) }),
      true,
      "registered",
    );
    assertEquals(`${jobs[0]?.name} @ ${jobs[0]?.schedule}`, "sluice housekeeping @ 17 * * * *", "the job");
    await jobs[0]!.run();
    const report = JSON.parse(lines[0] ?? "{}");
    assertEquals(report.event, "sluice.housekeeping", "the event");
    assertEquals(report.rolledUp, 2, "two hours folded");
    assertEquals(
      report.prunedBefore,
      new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
      "days",
    );
    assert(!lines.join("\n").includes(SECRET), "no secret in the log");
    kv.close();
  },
});
