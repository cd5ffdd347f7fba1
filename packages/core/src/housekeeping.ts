/**
 * The scheduled job that keeps storage from growing forever: old hourly usage rows are rolled into one row per
 * day, rows past the retention are deleted, and expired buckets are deleted where the counters store does not
 * expire them itself. Runtime-neutral: each adapter calls it from its platform's scheduler (a Cloudflare cron
 * trigger, `Deno.cron`, a Vercel cron route).
 */
import type { RateLimitStore } from "./ports/rate-limit.js";
import type { UsageStore } from "./ports/usage.js";
import { dayOf } from "./spend/window.js";

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /**
   * Whole UTC days whose usage stays hourly, before today. Older days are rolled into one row per key and
   * model (read back at the day's `T00` hour). Default 7; at least 2, so the dashboard's last 48 hours and
   * today's burn-down stay hourly.
   */
  hourlyDays?: number;
  /** Whole UTC days of usage kept at all, before today; older rows are deleted. Default 400; `Infinity` keeps all. */
  days?: number;
}

export const DEFAULT_RETENTION = { hourlyDays: 7, days: 400 } as const;

export interface HousekeepingReport {
  /** Usage rows folded into day rows, and of which days (those before `rolledUpBefore`). */
  rolledUp: number;
  rolledUpBefore: string;
  /** Usage rows deleted, of the days before `prunedBefore` (null: kept forever). */
  pruned: number;
  prunedBefore: string | null;
  /** Expired buckets deleted by the counters store (0 when it expires them itself). */
  buckets: number;
  /** A store stopped at its per-run limit: the next run continues. */
  more: boolean;
  /** What was not done and why (no usage store, a store without the step). */
  notes: string[];
}

/** The retention with its defaults, or a `RangeError` naming the fix. */
export function checkedRetention({
  hourlyDays = DEFAULT_RETENTION.hourlyDays,
  days = DEFAULT_RETENTION.days,
}: RetentionOptions) {
  if (!Number.isInteger(hourlyDays) || hourlyDays < 2) {
    throw new RangeError(`retention.hourlyDays must be a whole number ≥ 2, got ${hourlyDays}.`);
  }
  if (days !== Number.POSITIVE_INFINITY && (!Number.isInteger(days) || days < hourlyDays)) {
    throw new RangeError(
      `retention.days must be a whole number ≥ retention.hourlyDays (${hourlyDays}), or Infinity; got ${days}.`,
    );
  }
  return { hourlyDays, days };
}

/**
 * Runs one housekeeping pass over the stores. Safe to run at any time and as often as wanted: every step is
 * idempotent, and a query over whole days answers the same before and after.
 *
 * @example
 * const report = await housekeeping({ usage, counters }, { hourlyDays: 7, days: 400 });
 */
export async function housekeeping(
  stores: { usage?: UsageStore; counters?: RateLimitStore },
  retention: RetentionOptions = {},
  now: number = Date.now(),
): Promise<HousekeepingReport> {
  const { hourlyDays, days } = checkedRetention(retention);
  const today = Date.parse(`${dayOf(now)}T00:00:00Z`);
  const report: HousekeepingReport = {
    rolledUp: 0,
    rolledUpBefore: dayOf(today - hourlyDays * DAY_MS),
    pruned: 0,
    prunedBefore: Number.isFinite(days) ? dayOf(today - days * DAY_MS) : null,
    buckets: 0,
    more: false,
    notes: [],
  };
  const { usage, counters } = stores;
  if (!usage) report.notes.push("no usage store");
  // Prune first: a rollup would otherwise fold days about to be deleted (and spend a per-run budget on them).
  if (usage?.prune && report.prunedBefore) {
    const step = await usage.prune(report.prunedBefore);
    report.pruned = step.rows;
    report.more ||= step.more;
  } else if (usage && report.prunedBefore) {
    report.notes.push("the usage store does not prune here (it expires rows itself, or keeps them)");
  }
  if (usage?.rollup) {
    const step = await usage.rollup(report.rolledUpBefore);
    report.rolledUp = step.rows;
    report.more ||= step.more;
  } else if (usage) report.notes.push("the usage store cannot roll up: old rows stay hourly");
  if (counters?.prune) report.buckets = await counters.prune();
  else if (counters) report.notes.push("the counters store expires its buckets itself");
  return report;
}
