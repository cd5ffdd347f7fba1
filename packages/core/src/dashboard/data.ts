/** What the dashboard shows, read from the usage and key stores: one plain object, rendered by page.ts. */
import { budgetNow, sumBy } from "../admin/usage.js";
import type { ClientKeyRecord, KeyStore } from "../ports/keys.js";
import type { RateLimitStore } from "../ports/rate-limit.js";
import {
  addCounters,
  emptyCounters,
  hourOf,
  type UsageCounters,
  type UsageRow,
  type UsageStore,
} from "../ports/usage.js";
import { budgetWindow, dayOf } from "../spend/window.js";

export const PERIODS = [1, 7, 30] as const;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface KeyView {
  id: string;
  record?: ClientKeyRecord;
  counters: UsageCounters;
  budget: Awaited<ReturnType<typeof budgetNow>>;
  /** Budget left at the end of each hour (day budgets) or day (month budgets) of the current window. */
  burn: number[];
}

export interface DashboardData {
  days: string[];
  /** The last 48 hours, oldest first. */
  hours: string[];
  total: UsageCounters;
  perDay: Map<string, UsageCounters>;
  perHour: Map<string, UsageCounters>;
  models: [string, UsageCounters][];
  keys: KeyView[];
  /** Whether keys can be created and changed (the key store has put/list/delete). */
  manageable: boolean;
  hasUsage: boolean;
}

/** Tokens a budget counts (cache reads at full weight, the budgets' default). */
const billed = (c: UsageCounters) => c.inputTokens + c.outputTokens + c.cacheReadTokens + c.cacheWriteTokens;

export async function dashboardData(
  stores: { usage?: UsageStore; keys: KeyStore | false; counters?: RateLimitStore },
  periodDays: number,
  now = Date.now(),
): Promise<DashboardData> {
  const days = Array.from({ length: periodDays }, (_, i) => dayOf(now - (periodDays - 1 - i) * DAY_MS));
  const hours = Array.from({ length: 48 }, (_, i) => hourOf(now - (47 - i) * HOUR_MS));
  const monthStart = `${dayOf(now).slice(0, 7)}-01T00`;
  const from = [`${days[0]}T00`, hours[0]!, monthStart].sort()[0]!;
  const all = stores.usage ? await stores.usage.query({ from, to: `${dayOf(now)}T23` }) : [];
  const inPeriod = all.filter((r) => r.hour >= `${days[0]}T00`);
  const keys = stores.keys || undefined;
  const manageable = !!(keys?.put && keys.list && keys.delete);
  const records = keys?.list ? await keys.list() : [];
  const perKey = sumBy(inPeriod, (r) => r.keyId);
  const ids = [...new Set([...records.map((r) => r.id), ...perKey.keys()])];
  const keyViews = await Promise.all(
    ids.map(async (id): Promise<KeyView> => {
      const record = records.find((r) => r.id === id);
      const budget = record?.budget
        ? await budgetNow(id, { keys: stores.keys, counters: stores.counters })
        : null;
      return {
        id,
        record,
        counters: perKey.get(id) ?? emptyCounters(),
        budget,
        burn: record?.budget
          ? burnDown(
              record.budget,
              all.filter((r) => r.keyId === id),
              now,
            )
          : [],
      };
    }),
  );
  keyViews.sort(
    (a, b) => b.counters.costNanoUsd - a.counters.costNanoUsd || b.counters.requests - a.counters.requests,
  );
  return {
    days,
    hours,
    total: inPeriod.reduce((sum, r) => addCounters(sum, r.counters), emptyCounters()),
    perDay: sumBy(inPeriod, (r) => r.hour.slice(0, 10)),
    perHour: sumBy(
      all.filter((r) => r.hour >= hours[0]!),
      (r) => r.hour,
    ),
    models: [...sumBy(inPeriod, (r) => r.model)].sort(([, a], [, b]) => b.costNanoUsd - a.costNanoUsd),
    keys: keyViews,
    manageable,
    hasUsage: !!stores.usage,
  };
}

/** Budget left after each hour (day window) or day (month window) so far, from the usage rows. */
function burnDown(
  budget: { tokens: number; window: "day" | "month" },
  rows: UsageRow[],
  now: number,
): number[] {
  const window = budgetWindow(budget.window, now);
  const step = budget.window === "day" ? HOUR_MS : DAY_MS;
  const start = budget.window === "day" ? window.endsAt - DAY_MS : Date.parse(`${window.id}-01T00:00:00Z`);
  const slot = (row: UsageRow) => Math.floor((Date.parse(`${row.hour}:00:00Z`) - start) / step);
  const used = new Array<number>(Math.floor((now - start) / step) + 1).fill(0);
  for (const row of rows) {
    const i = slot(row);
    if (i >= 0 && i < used.length) used[i]! += billed(row.counters);
  }
  let left = budget.tokens;
  return used.map((n) => (left = Math.max(0, left - n)));
}
