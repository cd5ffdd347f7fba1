import {
  addCounters,
  COUNTER_FIELDS,
  emptyCounters,
  type UsageCounters,
  type UsageRow,
  type UsageStore,
} from "../ports/usage.js";
import { type ContractCase, check, equal, freshKey } from "./assert.js";

const delta = (n: number): UsageCounters => ({
  requests: 1,
  inputTokens: 10 * n,
  outputTokens: 3 * n,
  cacheReadTokens: 7 * n,
  cacheWriteTokens: 2 * n,
  costNanoUsd: 123_456_789 * n,
  unpriced: n % 2,
  cacheMisses: 1,
  latencyMs: 100 * n,
  ttfbMs: 40 * n,
  ttfbCount: 1,
  errors: n % 3 === 0 ? { upstream_error: 1, stream_stall: n } : { overloaded: 1 },
});

/** An hour no other run used (stores may persist across runs): a random hour in the 22nd century. */
function freshDay(): string {
  const time = Date.UTC(2100, 0, 1) + Math.floor(Math.random() * 36_000) * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

const sameCounters = (got: UsageCounters | undefined, want: UsageCounters, what: string) => {
  check(got, `${what}: the row must exist`);
  for (const field of COUNTER_FIELDS) equal(got[field], want[field], `${what}: ${field}`);
  const names = new Set([...Object.keys(got.errors), ...Object.keys(want.errors)]);
  for (const name of names) {
    const key = name as keyof UsageCounters["errors"];
    equal(got.errors[key] ?? 0, want.errors[key] ?? 0, `${what}: errors.${name}`);
  }
};

const find = (rows: UsageRow[], keyId: string, model: string, hour: string) =>
  rows.find((r) => r.keyId === keyId && r.model === model && r.hour === hour)?.counters;

/**
 * A day for the housekeeping cases, in the 1950s: a rollup or prune touches every day before its cutoff, so
 * these cases keep to a decade nothing else writes (other cases use the 22nd century, gateways today).
 */
function oldDay(): string {
  return new Date(Date.UTC(1950, 0, 1) + Math.floor(Math.random() * 3_600) * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const total = (rows: UsageRow[], keyId?: string) =>
  rows
    .filter((r) => keyId === undefined || r.keyId === keyId)
    .reduce((sum, r) => addCounters(sum, r.counters), emptyCounters());

export interface UsageContractOptions {
  /** Concurrent adds in the exact-sum check. Default 50. */
  concurrency?: number;
  /** Check `rollup` and `prune` (housekeeping). Default true; false for a store without them. */
  housekeeping?: boolean;
}

/**
 * What every usage store must do: exact sums under concurrency in every field (errors by name), rows kept
 * apart by key, model and hour, inclusive hour ranges across days, any key or model name, and a refused add
 * (fractional or negative) writes nothing. With housekeeping: a rollup keeps every whole day's sums exactly
 * and loses no add that races with it; a prune deletes the days before its cutoff and nothing else.
 */
export function usageStoreContract(
  make: () => UsageStore | Promise<UsageStore>,
  { concurrency = 50, housekeeping = true }: UsageContractOptions = {},
): ContractCase[] {
  return [
    {
      name: "usage: nothing recorded is no rows",
      async run() {
        const store = await make();
        const day = freshDay();
        const rows = await store.query({ keyId: freshKey("none"), from: `${day}T00`, to: `${day}T23` });
        equal(rows.length, 0, "rows of an unused key");
      },
    },
    {
      name: `usage: ${concurrency} concurrent adds sum exactly, every field and every error name`,
      async run() {
        const store = await make();
        const keyId = freshKey("sum");
        const hour = `${freshDay()}T13`;
        await Promise.all(
          Array.from({ length: concurrency }, (_, i) =>
            store.add({ keyId, model: "claude-sonnet-4-6", hour, counters: delta(i + 1) }),
          ),
        );
        const want = emptyCounters();
        for (let i = 1; i <= concurrency; i++) {
          const d = delta(i);
          for (const field of COUNTER_FIELDS) want[field] += d[field];
          for (const [name, n] of Object.entries(d.errors)) {
            const key = name as keyof UsageCounters["errors"];
            want.errors[key] = (want.errors[key] ?? 0) + n;
          }
        }
        const rows = await store.query({ keyId, from: hour, to: hour });
        equal(rows.length, 1, "one row for one key, model and hour");
        sameCounters(find(rows, keyId, "claude-sonnet-4-6", hour), want, "the summed row");
      },
    },
    {
      name: "usage: keys, models and hours are separate rows; ranges include both ends and cross days",
      async run() {
        const store = await make();
        const a = freshKey("a");
        const b = freshKey("b");
        const day = freshDay();
        const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        await store.add({ keyId: a, model: "gpt-4o", hour: `${day}T22`, counters: delta(1) });
        await store.add({ keyId: a, model: "gpt-4o", hour: `${day}T23`, counters: delta(2) });
        await store.add({ keyId: a, model: "gpt-4o-mini", hour: `${day}T23`, counters: delta(4) });
        await store.add({ keyId: a, model: "gpt-4o", hour: `${next}T00`, counters: delta(5) });
        await store.add({ keyId: b, model: "gpt-4o", hour: `${day}T23`, counters: delta(7) });
        const rows = await store.query({ keyId: a, from: `${day}T23`, to: `${next}T00` });
        equal(rows.length, 3, "a's rows from 23:00 to 00:00 the next day");
        equal(find(rows, a, "gpt-4o", `${day}T23`)?.inputTokens, 20, "a, gpt-4o, 23:00");
        equal(find(rows, a, "gpt-4o-mini", `${day}T23`)?.inputTokens, 40, "a, gpt-4o-mini, 23:00");
        equal(find(rows, a, "gpt-4o", `${next}T00`)?.inputTokens, 50, "a, gpt-4o, next day 00:00");
        check(!rows.some((r) => r.keyId !== a), "a key's query returns only its rows");
        const one = await store.query({ keyId: a, from: `${day}T22`, to: `${day}T22` });
        equal(one.length, 1, "a one-hour range");
        equal(one[0]?.counters.inputTokens, 10, "a at 22:00");
      },
    },
    {
      name: "usage: a query without a key returns every key's rows in the range",
      async run() {
        const store = await make();
        const keys = [freshKey("all-1"), freshKey("all-2"), freshKey("all-3")];
        const day = freshDay();
        await Promise.all(
          keys.map((keyId, i) =>
            store.add({ keyId, model: "m", hour: `${day}T0${i}`, counters: delta(i + 1) }),
          ),
        );
        const rows = (await store.query({ from: `${day}T00`, to: `${day}T01` })).filter((r) =>
          keys.includes(r.keyId),
        );
        equal(rows.length, 2, "rows of the two keys in the range");
        equal(find(rows, keys[0]!, "m", `${day}T00`)?.inputTokens, 10, "first key");
        equal(find(rows, keys[1]!, "m", `${day}T01`)?.inputTokens, 20, "second key");
      },
    },
    {
      name: "usage: key ids and model names with separators, spaces and non-ASCII come back unchanged",
      async run() {
        const store = await make();
        const keyId = `${freshKey("odd")}:a/b\tc "d"`;
        const models = ["accounts/fireworks/models/llama-v3p1:70b", "gemini 2.5 ✨", "a\tb\nc", ""];
        const hour = `${freshDay()}T05`;
        for (const [i, model] of models.entries()) {
          await store.add({ keyId, model, hour, counters: delta(i + 1) });
        }
        const rows = await store.query({ keyId, from: hour, to: hour });
        equal(rows.length, models.length, "one row per model");
        for (const [i, model] of models.entries()) {
          equal(find(rows, keyId, model, hour)?.inputTokens, 10 * (i + 1), `model ${JSON.stringify(model)}`);
        }
      },
    },
    {
      name: "usage: a fractional or negative counter is refused and writes nothing",
      async run() {
        const store = await make();
        const keyId = freshKey("bad");
        const hour = `${freshDay()}T07`;
        for (const bad of [{ inputTokens: 1.5 }, { outputTokens: -1 }, { errors: { upstream_error: 0.5 } }]) {
          const refused = await store
            .add({ keyId, model: "m", hour, counters: { ...delta(1), ...bad } })
            .then(
              () => false,
              () => true,
            );
          check(refused, `an add with ${JSON.stringify(bad)} must be refused`);
        }
        equal((await store.query({ keyId, from: hour, to: hour })).length, 0, "nothing written");
      },
    },
    ...(housekeeping ? housekeepingCases(make, concurrency) : []),
  ];
}

function housekeepingCases(
  make: () => UsageStore | Promise<UsageStore>,
  concurrency: number,
): ContractCase[] {
  const withSteps = async () => {
    const store = await make();
    check(store.rollup && store.prune, "the store must have rollup and prune (or pass housekeeping: false)");
    return store as UsageStore & Required<Pick<UsageStore, "rollup" | "prune">>;
  };
  return [
    {
      name: "usage: a rollup folds each old day into its T00 row per key and model; whole days sum the same",
      async run() {
        const store = await withSteps();
        const [a, b] = [freshKey("roll-a"), freshKey("roll-b")];
        const day = oldDay();
        const cutoff = nextDay(day);
        const writes: [string, string, string, number][] = [
          [a, "m1", `${day}T00`, 1],
          [a, "m1", `${day}T03`, 2],
          [a, "m1", `${day}T17`, 3],
          [a, "m2 ✨", `${day}T17`, 4],
          [b, "m1", `${day}T23`, 5],
          [a, "m1", `${cutoff}T04`, 6],
        ];
        for (const [keyId, model, hour, n] of writes) {
          await store.add({ keyId, model, hour, counters: delta(n) });
        }
        const range = { from: `${day}T00`, to: `${cutoff}T23` };
        const before = (await store.query(range)).filter((r) => r.keyId === a || r.keyId === b);
        const step = await store.rollup(cutoff);
        check(step.rows >= 3, `the rollup must report the hourly rows it folded, got ${step.rows}`);
        const after = (await store.query(range)).filter((r) => r.keyId === a || r.keyId === b);
        equal(after.length, 4, "a's two models and b on the old day at T00, and a's row on the cutoff day");
        sameCounters(
          find(after, a, "m1", `${day}T00`),
          total(
            before.filter((r) => r.hour < cutoff && r.model === "m1"),
            a,
          ),
          "a, m1, the day",
        );
        sameCounters(find(after, a, "m2 ✨", `${day}T00`), delta(4), "a, m2, the day");
        sameCounters(find(after, b, "m1", `${day}T00`), delta(5), "b, the day");
        sameCounters(find(after, a, "m1", `${cutoff}T04`), delta(6), "the cutoff day stays hourly");
        sameCounters(total(after), total(before), "everything, before and after");
        const again = await store.rollup(cutoff);
        equal(again.rows, 0, "a second rollup finds nothing to fold");
        sameCounters(total(await store.query(range)), total(before), "everything, after a second rollup");
      },
    },
    {
      name: `usage: ${concurrency} adds racing with a rollup of their day all count`,
      async run() {
        const store = await withSteps();
        const keyId = freshKey("roll-race");
        const day = oldDay();
        const cutoff = nextDay(day);
        await store.add({ keyId, model: "m", hour: `${day}T01`, counters: delta(1) });
        const want = delta(1);
        const adds = Array.from({ length: concurrency }, (_, i) => {
          addCounters(want, delta(i + 2));
          const hour = `${day}T${String(i % 24).padStart(2, "0")}`;
          return store.add({ keyId, model: "m", hour, counters: delta(i + 2) });
        });
        await Promise.all([...adds, store.rollup(cutoff)]);
        await store.rollup(cutoff);
        const rows = await store.query({ keyId, from: `${day}T00`, to: `${day}T23` });
        equal(rows.length, 1, "one row for the day after the second rollup");
        sameCounters(find(rows, keyId, "m", `${day}T00`), want, "the day's sum");
      },
    },
    {
      name: "usage: a prune deletes the rows of the days before its cutoff, and only those",
      async run() {
        const store = await withSteps();
        const keyId = freshKey("prune");
        const day = oldDay();
        const cutoff = nextDay(day);
        await store.add({ keyId, model: "m", hour: `${day}T00`, counters: delta(1) });
        await store.add({ keyId, model: "m", hour: `${day}T23`, counters: delta(2) });
        await store.add({ keyId, model: "m", hour: `${cutoff}T00`, counters: delta(3) });
        const step = await store.prune(cutoff);
        check(step.rows >= 2, `the prune must report the rows it deleted, got ${step.rows}`);
        const rows = await store.query({ keyId, from: `${day}T00`, to: `${cutoff}T23` });
        equal(rows.length, 1, "only the cutoff day's row is left");
        sameCounters(find(rows, keyId, "m", `${cutoff}T00`), delta(3), "the cutoff day");
        const everyKey = (await store.query({ from: `${day}T00`, to: `${day}T23` })).length;
        equal(everyKey, 0, "no key has rows on the pruned day");
      },
    },
  ];
}
