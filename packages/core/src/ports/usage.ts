/**
 * Usage rows per key, per model and per UTC hour, for `GET /_sluice/usage` and the dashboard. Optional:
 * without it the endpoint answers 404 and the numbers live only in the metrics sinks.
 */
import type { FailureName } from "../failures.js";

/** Whole numbers only, so every store can add them atomically (Redis HINCRBY, SQL `+=`, KV sum). */
export interface UsageCounters {
  /** Calls the provider answered (or the response cache did). Refused calls count only in `errors`. */
  requests: number;
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Cost in billionths of a US dollar (an integer keeps sums exact; 9e15 of them is 9 million dollars). */
  costNanoUsd: number;
  /** Calls whose model the pricing table does not price: their cost is not in `costNanoUsd`. */
  unpriced: number;
  /** Calls flagged `prompt_cache_miss`: a cacheable prefix sent moments ago that the provider did not read. */
  cacheMisses: number;
  /** Sum of the calls' latencies (arrival to end of body), milliseconds. */
  latencyMs: number;
  /** Sum of the times to first body byte, milliseconds, over the `ttfbCount` calls that sent a body. */
  ttfbMs: number;
  ttfbCount: number;
  /** Calls that ended in a failure, by its `x-sluice-failure` name (a silent cache miss is in `cacheMisses`). */
  errors: Partial<Record<FailureName, number>>;
}

/** The counters of one key and one model in one UTC hour. */
export interface UsageRow {
  keyId: string;
  /** The model that answered ("" when unknown). */
  model: string;
  /** "YYYY-MM-DDTHH", UTC. */
  hour: string;
  counters: UsageCounters;
}

/** Hours from `from` to `to`, both included ("YYYY-MM-DDTHH", UTC); one key, or every key when omitted. */
export interface UsageQuery {
  keyId?: string;
  from: string;
  to: string;
}

/** What one housekeeping step did: rows (key × model × hour) changed, and whether work is left for the next run. */
export interface HousekeepingStep {
  rows: number;
  /** The store stopped at its per-run limit; the next run carries on where this one stopped. */
  more: boolean;
}

export interface UsageStore {
  /** Atomically adds the row's counters to the row of the same key, model and hour. Concurrent adds all count. */
  add(row: UsageRow): Promise<void>;
  /** One row per key, model and hour with anything recorded in the range, in no particular order. */
  query(range: UsageQuery): Promise<UsageRow[]>;
  /**
   * Folds every hour of each UTC day before `before` ("YYYY-MM-DD") into that day's `T00` row, per key and
   * model, so an old day is one row instead of up to 24. Sums are kept exactly (a query over whole days answers
   * the same before and after); adds that race with it all count. Optional: `housekeeping()` skips a store
   * without it.
   */
  rollup?(before: string): Promise<HousekeepingStep>;
  /** Deletes every row of the UTC days before `before` ("YYYY-MM-DD"). Optional, as `rollup`. */
  prune?(before: string): Promise<HousekeepingStep>;
}

export const emptyCounters = (): UsageCounters => ({
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanoUsd: 0,
  unpriced: 0,
  cacheMisses: 0,
  latencyMs: 0,
  ttfbMs: 0,
  ttfbCount: 0,
  errors: {},
});

/** The numeric counters (every field but `errors`). */
export const COUNTER_FIELDS = Object.keys(emptyCounters()).filter((f) => f !== "errors") as Exclude<
  keyof UsageCounters,
  "errors"
>[];

const ERROR_PREFIX = "errors.";

/** The UTC hour of a timestamp, "YYYY-MM-DDTHH". */
export const hourOf = (time: number): string => new Date(time).toISOString().slice(0, 13);

/**
 * The counters as flat `[field, n]` pairs for stores that keep one number per field (errors become
 * `errors.<failure>`); zeros are left out. Throws unless every value is a whole number ≥ 0, so no store
 * turns a column into a float or wraps a negative.
 */
export function counterEntries(counters: UsageCounters): [string, number][] {
  const entries: [string, number][] = [];
  const push = (field: string, n: number | undefined) => {
    if (n === undefined || n === 0) return;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`usage counter ${field} must be a whole number ≥ 0, got ${n}`);
    }
    entries.push([field, n]);
  };
  for (const field of COUNTER_FIELDS) push(field, counters[field]);
  for (const [name, n] of Object.entries(counters.errors)) push(`${ERROR_PREFIX}${name}`, n);
  return entries;
}

/** Adds one flat `[field, n]` pair (as `counterEntries` writes them) to counters; unknown fields are ignored. */
export function addEntry(counters: UsageCounters, field: string, n: number): void {
  if (field.startsWith(ERROR_PREFIX)) {
    const name = field.slice(ERROR_PREFIX.length) as FailureName;
    counters.errors[name] = (counters.errors[name] ?? 0) + n;
  } else if ((COUNTER_FIELDS as string[]).includes(field)) {
    counters[field as (typeof COUNTER_FIELDS)[number]] += n;
  }
}

/** Adds `delta` into `into` (every field, errors by name) and returns `into`. */
export function addCounters(into: UsageCounters, delta: UsageCounters): UsageCounters {
  for (const field of COUNTER_FIELDS) into[field] += delta[field];
  for (const [name, n] of Object.entries(delta.errors) as [FailureName, number][]) {
    into.errors[name] = (into.errors[name] ?? 0) + n;
  }
  return into;
}

/** Every hour from `from` to `to`, both included; throws on a malformed hour. */
export function hoursBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}:00:00Z`);
  const end = Date.parse(`${to}:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new RangeError(`usage hours must be written YYYY-MM-DDTHH, got "${from}" and "${to}"`);
  }
  const hours: string[] = [];
  for (let t = start; t <= end; t += 3_600_000) hours.push(hourOf(t));
  return hours;
}

/** The UTC days an hour range touches, "YYYY-MM-DD", in order: stores that shard by day read these. */
export function daysBetween(from: string, to: string): string[] {
  return [...new Set(hoursBetween(from, to).map((h) => h.slice(0, 10)))];
}

/** The `T00` hour a rolled-up day's counters are kept under: "YYYY-MM-DDT00". */
export const dayRowHour = (hour: string): string => `${hour.slice(0, 10)}T00`;
