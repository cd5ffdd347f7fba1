/**
 * Housekeeping on a timer in the server: every `everyMs` (hourly by default) one of the N gateway processes
 * sharing a Redis takes the period's lock (`SET key value NX PX everyMs`) and runs `gateway.housekeeping()`;
 * the others find the lock taken and skip. A run also starts right after the server does, so processes that
 * restart more often than the period still keep storage in check.
 */
import type { HousekeepingReport } from "@sluice/core";

export interface HousekeepingScheduleOptions {
  /** How often a run is due. Default one hour. */
  everyMs?: number;
  /** Where each report goes, one JSON line. Default `console.log`. */
  log?: (line: string) => void;
}

/** What the schedule needs from a handler (one from `createHandler` has it). */
export interface HousekeepingTarget {
  /** One pass, or null when another process holds the lock for `lockMs`. */
  housekeeping?(options?: { lockMs?: number }): Promise<HousekeepingReport | null>;
}

export const HOUR_MS = 3_600_000;

/** Starts the timer; `stop()` clears it and waits for a run in progress. */
export function scheduleHousekeeping(
  target: HousekeepingTarget,
  { everyMs = HOUR_MS, log = (line) => console.log(line) }: HousekeepingScheduleOptions = {},
): { stop(): Promise<void> } {
  if (!Number.isFinite(everyMs) || everyMs < 1) {
    throw new RangeError(`housekeeping.everyMs must be a positive number of milliseconds, got ${everyMs}.`);
  }
  const run = target.housekeeping;
  if (!run) return { stop: async () => {} };
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return; // a slow run is not stacked on
    running = run
      .call(target, { lockMs: everyMs })
      .then(
        (report) => {
          if (report) log(JSON.stringify({ event: "sluice.housekeeping", ...report }));
        },
        // A store error may name hosts and keys: the server's log is where it belongs. The next run carries on.
        (error: unknown) =>
          console.error(
            `sluice: housekeeping failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
