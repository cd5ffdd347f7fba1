/**
 * `GET /_sluice/usage?key=<id>&day=YYYY-MM-DD` (or `&from=…&to=…`, at most 93 days; default today, UTC):
 * tokens, cost and prompt-cache hit rate per day from the usage store's counters, plus the key's budget
 * balance now when it has one.
 */
import { GatewayError } from "../failures.js";
import type { KeyStore } from "../ports/keys.js";
import type { RateLimitStore } from "../ports/rate-limit.js";
import { type UsageCounters, type UsageStore, emptyCounters, COUNTER_FIELDS } from "../ports/usage.js";
import { json } from "../respond.js";
import { budgetWindow, dayOf } from "../spend/window.js";

const DAY_MS = 86_400_000;
const MAX_DAYS = 93;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(value: string, name: string): number {
  const time = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(time) || dayOf(time) !== value) {
    throw new GatewayError("bad_request", `${name} must be a date written YYYY-MM-DD (UTC), got "${value}".`);
  }
  return time;
}

/** Share of the prompt served from the provider's cache: reads / (uncached input + reads + writes). */
function report(c: UsageCounters) {
  const prompt = c.inputTokens + c.cacheReadTokens + c.cacheWriteTokens;
  const { costNanoUsd, ...tokens } = c;
  return {
    ...tokens,
    costUsd: costNanoUsd / 1e9,
    cacheHitRate: prompt > 0 ? c.cacheReadTokens / prompt : null,
  };
}

export async function usageApi(
  request: Request,
  url: URL,
  stores: { usage?: UsageStore; keys: KeyStore | false; rateLimit?: RateLimitStore },
): Promise<Response> {
  if (request.method !== "GET") {
    throw new GatewayError("method_not_allowed", "Use GET for /_sluice/usage.", {
      headers: { allow: "GET" },
    });
  }
  if (!stores.usage) {
    throw new GatewayError("not_found", "The usage endpoint needs a usage store: pass `stores.usage`.");
  }
  const key = url.searchParams.get("key");
  if (!key)
    throw new GatewayError("bad_request", "Name the key: /_sluice/usage?key=<key id>&day=YYYY-MM-DD.");
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
  const counters = await Promise.all(days.map((d) => stores.usage!.get(key, d)));
  const total = emptyCounters();
  for (const c of counters) if (c) for (const f of COUNTER_FIELDS) total[f] += c[f];
  return json(
    {
      key,
      from: days[0],
      to: days[days.length - 1],
      days: days.map((d, i) => ({ day: d, ...report(counters[i] ?? emptyCounters()) })),
      total: report(total),
      budget: await budgetNow(key, stores),
    },
    200,
    { "cache-control": "no-store" },
  );
}

/** The key's budget balance in the current window, when the key has a budget and the stores can tell. */
async function budgetNow(id: string, stores: { keys: KeyStore | false; rateLimit?: RateLimitStore }) {
  const keys = stores.keys;
  if (!keys || !stores.rateLimit || !(keys.get || keys.list)) return null;
  const record = keys.get ? await keys.get(id) : ((await keys.list!()).find((r) => r.id === id) ?? null);
  if (!record?.budget) return null;
  const window = budgetWindow(record.budget.window, Date.now());
  const { remaining } = await stores.rateLimit.take(`budget:${id}:${window.id}`, 0, {
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
