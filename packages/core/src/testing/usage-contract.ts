import { type UsageCounters, type UsageStore, emptyCounters } from "../ports/usage.js";
import { type ContractCase, check, equal, freshKey } from "./assert.js";

const delta = (n: number): UsageCounters => ({
  requests: 1,
  inputTokens: 10 * n,
  outputTokens: 3 * n,
  cacheReadTokens: 7 * n,
  cacheWriteTokens: 2 * n,
  costNanoUsd: 123_456_789 * n,
});

/** What every usage store must do: exact sums under concurrency, per key and per day, null when empty. */
export function usageStoreContract(
  make: () => UsageStore | Promise<UsageStore>,
  { concurrency = 50 }: { concurrency?: number } = {},
): ContractCase[] {
  return [
    {
      name: "usage: nothing recorded is null",
      async run() {
        const store = await make();
        equal(await store.get(freshKey("none"), "2026-01-01"), null, "get of an unused key");
      },
    },
    {
      name: `usage: ${concurrency} concurrent adds sum exactly, every field`,
      async run() {
        const store = await make();
        const key = freshKey("sum");
        await Promise.all(
          Array.from({ length: concurrency }, (_, i) => store.add(key, "2026-01-02", delta(i + 1))),
        );
        const got = await store.get(key, "2026-01-02");
        check(got, "counters must exist after adds");
        const n = (concurrency * (concurrency + 1)) / 2;
        const want = { ...delta(n), requests: concurrency };
        for (const field of Object.keys(emptyCounters()) as (keyof UsageCounters)[]) {
          equal(got[field], want[field], `sum of ${field}`);
        }
      },
    },
    {
      name: "usage: days and keys are independent",
      async run() {
        const store = await make();
        const a = freshKey("a");
        const b = freshKey("b");
        await store.add(a, "2026-01-03", delta(1));
        await store.add(a, "2026-01-04", delta(2));
        await store.add(b, "2026-01-03", delta(5));
        equal((await store.get(a, "2026-01-03"))?.inputTokens, 10, "a on day 3");
        equal((await store.get(a, "2026-01-04"))?.inputTokens, 20, "a on day 4");
        equal((await store.get(b, "2026-01-03"))?.inputTokens, 50, "b on day 3");
        equal(await store.get(b, "2026-01-04"), null, "b on day 4");
      },
    },
  ];
}
