/** The Deno KV usage store's rollup and prune beyond the contract: day markers, the per-run limit, lost races. */
import { emptyCounters, type UsageCounters } from "@sluice/core";
import { type KvSpendLike, kvUsageStore } from "../../src/index.ts";
import { assert, assertEquals } from "./assert.ts";

const kv: Deno.Kv = await Deno.openKv(":memory:");
const opts = { sanitizeOps: false, sanitizeResources: false };
let n = 0;
const prefixOf = (label: string) => ["t", `${label}:${n++}`];
const counters = (k: number): UsageCounters => ({
  ...emptyCounters(),
  requests: 1,
  inputTokens: 10 * k,
  costNanoUsd: 1_000_000_007 * k,
  errors: k % 2 ? { overloaded: 1 } : {},
});
const hourOf = (day: string, h: number) => `${day}T${String(h).padStart(2, "0")}`;

/** The same real KV, counting the entries every `list` yields. */
function counting(db: Deno.Kv): { kv: KvSpendLike; listed: () => number } {
  let listed = 0;
  return {
    kv: {
      get: (key) => db.get(key),
      getMany: (keys) => db.getMany(keys as Deno.KvKey[]) as never,
      async *list(selector) {
        for await (const entry of db.list(selector as Deno.KvListSelector)) {
          listed++;
          yield entry as never;
        }
      },
      atomic: () => db.atomic(),
    },
    listed: () => listed,
  };
}

Deno.test({
  name: "usage rollup: only days with new writes are read; a day is read again only after another add",
  ...opts,
  async fn() {
    const prefix = prefixOf("marker");
    const { kv: spy, listed } = counting(kv);
    const store = kvUsageStore(spy, { prefix });
    for (let h = 0; h < 24; h++) {
      await store.add({
        keyId: "k",
        model: "m",
        hour: hourOf("2001-02-03", h),
        counters: counters(h + 1),
      });
    }
    await store.add({
      keyId: "k",
      model: "m",
      hour: "2001-02-04T05",
      counters: counters(1),
    });
    assertEquals((await store.rollup!("2001-02-05")).rows, 24, "23 hours of one day, and the next day's one");
    const [oneDay] = await store.query({
      from: "2001-02-03T00",
      to: "2001-02-03T23",
    });
    assertEquals(oneDay?.hour, "2001-02-03T00", "one row at T00");
    assertEquals(oneDay?.counters.costNanoUsd, 1_000_000_007 * ((24 * 25) / 2), "the day's exact sum");
    assertEquals(
      (await kv.get([...prefix, "unrolled", "2001-02-03"])).value,
      null,
      "the day's marker is gone",
    );

    const before = listed();
    assertEquals((await store.rollup!("2001-02-05")).rows, 0, "nothing left to fold");
    assertEquals(listed() - before, 0, "and no row was read to find that out");

    await store.add({
      keyId: "k",
      model: "m",
      hour: "2001-02-03T09",
      counters: counters(1),
    });
    assertEquals((await store.rollup!("2001-02-05")).rows, 1, "a late add is folded by the next run");
    const rows = await store.query({
      from: "2001-02-03T00",
      to: "2001-02-03T23",
    });
    assertEquals(rows.length, 1, "still one row");
    assertEquals(rows[0]?.counters.requests, 25, "with the late add");
  },
});

Deno.test({
  name: "usage rollup and prune stop at rowsPerRun, say more, and the next runs finish the job",
  ...opts,
  async fn() {
    const prefix = prefixOf("limit");
    const store = kvUsageStore(kv, { prefix, rowsPerRun: 4 });
    for (let h = 1; h <= 10; h++) {
      await store.add({
        keyId: "k",
        model: "m",
        hour: hourOf("2001-03-01", h),
        counters: counters(h),
      });
    }
    const steps = [];
    for (let run = 0; run < 5; run++) {
      steps.push(await store.rollup!("2001-03-02"));
    }
    assertEquals(
      JSON.stringify(steps.map((s) => [s.rows, s.more])),
      "[[4,true],[4,true],[2,false],[0,false],[0,false]]",
      "runs",
    );
    const [row] = await store.query({
      from: "2001-03-01T00",
      to: "2001-03-01T23",
    });
    assertEquals(row?.counters.inputTokens, 10 * 55, "exact after three runs");

    for (let h = 1; h <= 6; h++) {
      await store.add({
        keyId: `k${h}`,
        model: "m",
        hour: hourOf("2001-03-01", h),
        counters: counters(h),
      });
    }
    const pruned = [await store.prune!("2001-03-02"), await store.prune!("2001-03-02")];
    assertEquals(JSON.stringify(pruned.map((s) => [s.rows, s.more])), "[[4,true],[3,false]]", "prune runs");
    assertEquals((await store.query({ from: "2001-03-01T00", to: "2001-03-01T23" })).length, 0, "day gone");
    let left = 0;
    for await (const _ of kv.list({ prefix })) left++;
    assertEquals(left, 0, "no counter and no marker is left under the prefix");
  },
});

Deno.test({
  name: "usage rollup: adds that land between its read and its commit fail the check and are all counted",
  ...opts,
  async fn() {
    const prefix = prefixOf("race");
    const plain = kvUsageStore(kv, { prefix });
    let racing = 0;
    // A stalled stream is a counter the rollup's scan of the day did not see.
    const late = { ...counters(3), errors: { stream_stall: 1 } };
    // The rollup's first commits are each preceded by an add to the very counters it read.
    const racy: KvSpendLike = {
      get: (key) => kv.get(key),
      getMany: (keys) => kv.getMany(keys as Deno.KvKey[]) as never,
      list: (selector) => kv.list(selector as Deno.KvListSelector) as never,
      atomic() {
        const op = kv.atomic();
        const commit = op.commit.bind(op);
        op.commit = async () => {
          if (racing++ < 3) {
            await plain.add({
              keyId: "k",
              model: "m",
              hour: "2001-04-01T07",
              counters: late,
            });
          }
          return commit();
        };
        return op;
      },
    };
    const store = kvUsageStore(racy, { prefix });
    await plain.add({
      keyId: "k",
      model: "m",
      hour: "2001-04-01T07",
      counters: counters(1),
    });
    await plain.add({
      keyId: "k",
      model: "m",
      hour: "2001-04-01T00",
      counters: counters(1),
    });
    await plain.add({
      keyId: "k",
      model: "m",
      hour: "2001-04-01T08",
      counters: counters(2),
    });
    await store.rollup!("2001-04-02");
    assert(racing >= 3, `the race was run (${racing} commits)`);
    const want = 1 + 1 + 2 + 3 * 3; // inputTokens of six adds, in tens
    const [day] = await plain
      .query({
        from: "2001-04-01T00",
        to: "2001-04-01T23",
      })
      .then((rows) => [rows.reduce((sum, r) => sum + r.counters.inputTokens, 0)]);
    assertEquals(day, 10 * want, "every add counted once, across the day");
    await plain.rollup!("2001-04-02");
    const rows = await plain.query({
      from: "2001-04-01T00",
      to: "2001-04-01T23",
    });
    assertEquals(rows.length, 1, "the next run folds what raced (the day's marker stayed)");
    assertEquals(rows[0]?.counters.inputTokens, 10 * want, "exact");
    assertEquals(rows[0]?.counters.requests, 6, "six adds");
    assertEquals(rows[0]?.counters.errors.stream_stall, 3, "the counter the first run could not see");
  },
});

Deno.test({
  name: "usage rollup: long model names (a client's choice) split the commits under KV's 80 KiB of keys",
  ...opts,
  async fn() {
    const prefix = prefixOf("long");
    const store = kvUsageStore(kv, { prefix });
    const model = `m-${"x".repeat(1_500)}`;
    for (let k = 0; k < 3; k++) {
      for (let h = 1; h < 24; h++) {
        await store.add({ keyId: `k${k}`, model, hour: hourOf("2001-05-01", h), counters: counters(1) });
      }
    }
    assertEquals((await store.rollup!("2001-05-02")).rows, 69, "every hour of the three keys");
    const rows = await store.query({ from: "2001-05-01T00", to: "2001-05-01T23" });
    const where = rows.map((r) => `${r.keyId} ${r.hour}`).sort();
    assertEquals(where.join(), "k0 2001-05-01T00,k1 2001-05-01T00,k2 2001-05-01T00", "one row per key");
    assertEquals(rows[0]?.counters.requests, 23, "exact");
  },
});

globalThis.addEventListener("unload", () => kv.close());
