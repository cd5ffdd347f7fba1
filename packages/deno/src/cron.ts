import type { DenoHandler } from "./handler.ts";

/** The slice of `Deno.cron` used here (structural, so Node's tsc can check this file too). */
export type CronLike = (name: string, schedule: string, handler: () => Promise<void>) => unknown;

export interface ScheduleHousekeepingOptions {
  /** The job's name, as Deno Deploy's dashboard lists it. Default `"sluice housekeeping"`. */
  name?: string;
  /** A cron schedule in UTC. Default `"17 * * * *"`: hourly, away from the top of the hour. */
  schedule?: string;
  /** Default `Deno.cron`, which exists on Deno Deploy, and locally with `--unstable-cron`. */
  cron?: CronLike;
  /** Where the report line and notes go, one JSON object per line. Default `console.log`. */
  log?: (line: string) => void;
}

const EVENT = "sluice.housekeeping";

function denoCron(): CronLike | undefined {
  return (globalThis as { Deno?: { cron?: CronLike } }).Deno?.cron;
}

/**
 * Registers the handler's housekeeping as a `Deno.cron` job, each run logging its report as one JSON line
 * (`{"event":"sluice.housekeeping","rolledUp":…,"pruned":…,…}`; counts and days only, no keys). Call it at the
 * top level of the module, before the server starts: Deno Deploy only picks up crons registered then. Returns
 * whether a job was registered; when there is nothing to keep, or no `Deno.cron` (Deno without
 * `--unstable-cron`), it logs a note saying so and returns false rather than failing the app's start.
 *
 * @example
 * const handler = createHandler({ kv: await Deno.openKv() });
 * scheduleHousekeeping(handler);
 * export default { fetch: handler } satisfies Deno.ServeDefaultExport;
 */
export function scheduleHousekeeping(
  handler: Pick<DenoHandler, "housekeeping">,
  options: ScheduleHousekeepingOptions = {},
): boolean {
  const { name = "sluice housekeeping", schedule = "17 * * * *" } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const skipped = (note: string) => {
    log(JSON.stringify({ event: EVENT, scheduled: false, note }));
    return false;
  };
  const run = handler.housekeeping;
  if (!run) {
    return skipped(
      "nothing to keep: no usage store (pass `kv` or `stores.usage`); KV expires buckets itself",
    );
  }
  const cron = options.cron ?? denoCron();
  if (!cron) {
    return skipped(
      'Deno.cron is missing, so usage rows are not rolled up or pruned: run with --unstable-cron, or add "cron" to "unstable" in deno.json (Deno Deploy has it)',
    );
  }
  cron(name, schedule, async () => {
    const report = await run();
    log(JSON.stringify({ event: EVENT, ...report }));
  });
  return true;
}
