/**
 * `GET /_sluice/usage?key=<id>&day=YYYY-MM-DD` (or `&from=…&to=…`, at most 93 days; default today, UTC):
 * tokens, cost, prompt-cache hit rate, errors and latency per day and per model from the usage store's
 * hourly rows, plus the key's budget balance now when it has one. Costs print as fixed decimals.
 */
import { GatewayError } from "../failures.js";
import type { KeyStore } from "../ports/keys.js";
import type { RateLimitStore } from "../ports/rate-limit.js";
import {
  addCounters,
  emptyCounters,
  type UsageCounters,
  type UsageRow,
  type UsageStore,
} from "../ports/usage.js";
import { budgetWindow, dayOf } from "../spend/window.js";

const DAY_MS = 86_400_000;
export const MAX_DAYS = 93;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(value: string, name: string): number {
  const time = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(time) || dayOf(time) !== value) {
    throw new GatewayError("bad_request", `${name} must be a date written YYYY-MM-DD (UTC), got "${value}".`);
  }
  return time;
}

/** Dollars from integer nano-dollars, exactly, with nine decimals: "0.000000400", never "4e-7". */
export function usdText(nano: number): string {
  const whole = Math.floor(nano / 1e9);
  return `${whole}.${String(nano - whole * 1e9).padStart(9, "0")}`;
}

/** A cost that serializes as a plain decimal JSON number (see `usageJson`). */
class Usd {
  constructor(readonly text: string) {}
  toJSON() {
    return `\u0000usd:${this.text}`;
  }
}

/** JSON with every `Usd` written as a bare fixed-decimal number. */
export function usageJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000usd:(\d+\.\d+)"/g, "$1");
}

/**
 * One period's numbers. Cache hit rate: reads / (uncached input + reads + writes). Averages are over the
 * calls that have the measure; null when none does.
 */
export function report(c: UsageCounters) {
  const prompt = c.inputTokens + c.cacheReadTokens + c.cacheWriteTokens;
  return {
    requests: c.requests,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    cacheReadTokens: c.cacheReadTokens,
    cacheWriteTokens: c.cacheWriteTokens,
    costUsd: new Usd(usdText(c.costNanoUsd)),
    costNanoUsd: c.costNanoUsd,
    cacheHitRate: prompt > 0 ? c.cacheReadTokens / prompt : null,
    cacheMisses: c.cacheMisses,
    unpriced: c.unpriced,
    errors: c.errors,
    avgLatencyMs: c.requests > 0 ? Math.round(c.latencyMs / c.requests) : null,
    avgTtfbMs: c.ttfbCount > 0 ? Math.round(c.ttfbMs / c.ttfbCount) : null,
  };
}

/** Sums rows into buckets named by `name(row)`, in first-seen order. */
export function sumBy(rows: UsageRow[], name: (row: UsageRow) => string): Map<string, UsageCounters> {
  const sums = new Map<string, UsageCounters>();
  for (const row of rows) {
    const id = name(row);
    const into = sums.get(id) ?? emptyCounters();
    sums.set(id, addCounters(into, row.counters));
  }
  return sums;
}

const byModel = (rows: UsageRow[]) =>
  Object.fromEntries(
    [...sumBy(rows, (r) => r.model)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([m, c]) => [m, report(c)]),
  );

/** Reads the `day` or `from`/`to` query (UTC days, at most 93); default today. */
export function dayRange(url: URL): string[] {
  const day = url.searchParams.get("day");
  const today = dayOf(Date.now());
  const from = parseDay(day ?? url.searchParams.get("from") ?? today, day ? "day" : "from");
  const to = parseDay(day ?? url.searchParams.get("to") ?? dayOf(from), day ? "day" : "to");
  if (to < from) throw new GatewayError("bad_request", "`to` is before `from`.");
  if ((to - from) / DAY_MS + 1 > MAX_DAYS) {
    throw new GatewayError("bad_request", `Ask for at most ${MAX_DAYS} days at a time.`);
  }
  const days: string[] = [];
  for (let t = from; t <= to; t += DAY_MS) days.push(dayOf(t));
  return days;
}

export interface UsageStores {
  usage?: UsageStore;
  keys: KeyStore | false;
  counters?: RateLimitStore;
}

/** The usage report of one key over whole days: per day, per model, in total, and its budget now. */
export async function usageReport(key: string, days: string[], stores: UsageStores & { usage: UsageStore }) {
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const rows = await stores.usage.query({ keyId: key, from: `${first}T00`, to: `${last}T23` });
  const perDay = sumBy(rows, (r) => r.hour.slice(0, 10));
  return {
    key,
    from: first,
    to: last,
    days: days.map((d) => ({
      day: d,
      ...report(perDay.get(d) ?? emptyCounters()),
      models: byModel(rows.filter((r) => r.hour.startsWith(d))),
    })),
    total: report(rows.reduce((sum, r) => addCounters(sum, r.counters), emptyCounters())),
    models: byModel(rows),
    budget: await budgetNow(key, stores),
  };
}

export async function usageApi(request: Request, url: URL, stores: UsageStores): Promise<Response> {
  if (request.method !== "GET") {
    throw new GatewayError("method_not_allowed", "Use GET for /_sluice/usage.", {
      headers: { allow: "GET" },
    });
  }
  const usage = stores.usage;
  if (!usage) {
    throw new GatewayError("not_found", "The usage endpoint needs a usage store: pass `stores.usage`.");
  }
  const key = url.searchParams.get("key");
  if (!key)
    throw new GatewayError("bad_request", "Name the key: /_sluice/usage?key=<key id>&day=YYYY-MM-DD.");
  const body = usageJson(await usageReport(key, dayRange(url), { ...stores, usage }));
  return new Response(body, {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

/** The key's budget balance in the current window, when the key has a budget and the stores can tell. */
export async function budgetNow(id: string, stores: { keys: KeyStore | false; counters?: RateLimitStore }) {
  const keys = stores.keys;
  if (!keys || !stores.counters || !(keys.get || keys.list)) return null;
  const record = keys.get ? await keys.get(id) : ((await keys.list!()).find((r) => r.id === id) ?? null);
  if (!record?.budget) return null;
  const window = budgetWindow(record.budget.window, Date.now());
  const { remaining } = await stores.counters.take(`budget:${id}:${window.id}`, 0, {
    capacity: record.budget.tokens,
    refillPerSecond: 0,
    ttlSeconds: window.seconds,
  });
  return {
    tokens: record.budget.tokens,
    window: record.budget.window,
    remaining,
    resetsAt: new Date(window.endsAt).toISOString(),
  };
}
