/**
 * Usage and failure reports from the usage store's hourly rows (per key, model and UTC hour), for the MCP
 * tools. Windows are whole UTC hours, at most 93 days, like `/_sluice/usage`.
 */
import type { UsageCounters, UsageRow, UsageStore } from "@sluice/core";
import { addCounters, emptyCounters, hourOf } from "@sluice/core";

const HOUR_MS = 3_600_000;
export const MAX_HOURS = 93 * 24;
const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

export interface Window {
  /** "YYYY-MM-DDTHH", UTC, both included. */
  from: string;
  to: string;
}

/** The window from explicit hours, or the last `hours` hours ending with the current one. */
export function windowOf(input: { hours?: number; from?: string; to?: string }, now = Date.now()): Window {
  if (input.from || input.to) {
    const from = input.from ?? input.to!;
    const to = input.to ?? hourOf(now);
    const start = HOUR.test(from) ? Date.parse(`${from}:00:00Z`) : Number.NaN;
    const end = HOUR.test(to) ? Date.parse(`${to}:00:00Z`) : Number.NaN;
    if (!Number.isFinite(start) || !Number.isFinite(end) || hourOf(start) !== from || hourOf(end) !== to)
      throw new RangeError(`from and to are UTC hours written YYYY-MM-DDTHH, e.g. "${hourOf(now)}".`);
    if (end < start) throw new RangeError("to is before from.");
    if ((end - start) / HOUR_MS + 1 > MAX_HOURS) throw new RangeError(`Ask for at most ${MAX_HOURS} hours.`);
    return { from, to };
  }
  const hours = input.hours ?? 24;
  return { from: hourOf(now - (hours - 1) * HOUR_MS), to: hourOf(now) };
}

/** Dollars with nine decimals from integer nano-dollars, exactly ("0.000000400", never "4e-7"). */
export function usd(nano: number): string {
  const whole = Math.floor(nano / 1e9);
  return `${whole}.${String(nano - whole * 1e9).padStart(9, "0")}`;
}

function summary(c: UsageCounters) {
  const prompt = c.inputTokens + c.cacheReadTokens + c.cacheWriteTokens;
  return {
    requests: c.requests,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    cacheReadTokens: c.cacheReadTokens,
    cacheWriteTokens: c.cacheWriteTokens,
    costUsd: usd(c.costNanoUsd),
    unpriced: c.unpriced,
    cacheHitRate: prompt > 0 ? c.cacheReadTokens / prompt : null,
    cacheMisses: c.cacheMisses,
    errors: c.errors,
    avgLatencyMs: c.requests > 0 ? Math.round(c.latencyMs / c.requests) : null,
  };
}

/** Usage in a window, per key and model (sorted by key, then model), and in total. */
export async function usageReport(
  store: UsageStore,
  window: Window,
  filter: { keyId?: string; model?: string },
) {
  const rows = (await store.query({ keyId: filter.keyId, ...window })).filter(
    (row) => filter.model === undefined || row.model === filter.model,
  );
  const groups = new Map<string, { keyId: string; model: string; counters: UsageCounters }>();
  for (const row of rows) {
    const id = `${row.keyId}\u0000${row.model}`;
    const group = groups.get(id) ?? { keyId: row.keyId, model: row.model, counters: emptyCounters() };
    addCounters(group.counters, row.counters);
    groups.set(id, group);
  }
  const sorted = [...groups.values()].sort((a, b) =>
    a.keyId === b.keyId ? (a.model < b.model ? -1 : 1) : a.keyId < b.keyId ? -1 : 1,
  );
  return {
    ...window,
    total: summary(rows.reduce((sum, row) => addCounters(sum, row.counters), emptyCounters())),
    byKeyAndModel: sorted.map((g) => ({ keyId: g.keyId, model: g.model, ...summary(g.counters) })),
  };
}

/** Failures by hour, key, model and failure name, newest hour first, then most frequent. */
export async function recentFailures(
  store: UsageStore,
  window: Window,
  filter: { keyId?: string; limit: number },
) {
  const rows: UsageRow[] = await store.query({ keyId: filter.keyId, ...window });
  const failures = rows.flatMap((row) =>
    Object.entries(row.counters.errors)
      .filter(([, count]) => (count ?? 0) > 0)
      .map(([failure, count]) => ({
        hour: row.hour,
        keyId: row.keyId,
        model: row.model,
        failure,
        count: count!,
      })),
  );
  failures.sort((a, b) => (a.hour === b.hour ? b.count - a.count : a.hour < b.hour ? 1 : -1));
  const byFailure: Record<string, number> = {};
  for (const f of failures) byFailure[f.failure] = (byFailure[f.failure] ?? 0) + f.count;
  return {
    ...window,
    byFailure,
    failures: failures.slice(0, filter.limit),
    more: Math.max(0, failures.length - filter.limit),
  };
}
