/**
 * `UsageStore` over the `SluiceUsage` Durable Object: one object per client key, so adds for different keys
 * never queue behind each other and reading a key's hours touches only its own object. A query for every
 * key asks the index object which keys have rows in the range, then reads those keys' objects.
 *
 * Housekeeping asks the index which keys have days to roll up or prune and visits at most `keysPerRun` key
 * objects per step (each visit is a subrequest: the Workers Free plan allows 50 per invocation), each folding
 * or deleting at most a month of days; `more` says the next run carries on.
 */
import type { HousekeepingStep, UsageRow, UsageStore } from "@sluice/core";
import { counterEntries } from "@sluice/core/adapter";
import type { SluiceUsage } from "./durable-objects/usage.js";

/** The index object's name; a NUL cannot start a client key id. */
const INDEX = "\u0000sluice-usage-index";
/** Key objects read at once by an every-key query (each read is a subrequest). */
const FAN_OUT = 16;
/** Index marks remembered per isolate, so a busy key notes its day once rather than on every call. */
const NOTED_MAX = 10_000;
/** Days one key object folds or deletes in one call, so a long backlog never makes one slow transaction. */
const DAYS_PER_VISIT = 31;

export interface DurableObjectUsageStoreOptions {
  /**
   * Key objects one `rollup` or one `prune` visits (a scheduled run does both). Default 20, which keeps a run
   * within the Workers Free plan's 50 subrequests; raise it on a paid plan with many keys.
   */
  keysPerRun?: number;
}

/**
 * @example
 * const usage = durableObjectUsageStore(env.USAGE);
 * const gateway = createGateway({ secrets, clients: { keys }, stores: { counters: rateLimit, usage } });
 */
export function durableObjectUsageStore(
  namespace: DurableObjectNamespace<SluiceUsage>,
  { keysPerRun = 20 }: DurableObjectUsageStoreOptions = {},
): UsageStore {
  if (!Number.isInteger(keysPerRun) || keysPerRun < 1) {
    throw new RangeError(`keysPerRun must be a whole number ≥ 1, got ${keysPerRun}.`);
  }
  const object = (name: string) => namespace.get(namespace.idFromName(name));
  /** Runs `visit` on each key's object, `FAN_OUT` at a time; sums the rows. */
  async function visitKeys<R extends { rows: number; more: boolean }>(
    keys: string[],
    visit: (keyId: string) => Promise<R>,
  ): Promise<{ step: HousekeepingStep; results: [string, R][] }> {
    const step = { rows: 0, more: keys.length > keysPerRun };
    const results: [string, R][] = [];
    const visited = keys.slice(0, keysPerRun);
    for (let i = 0; i < visited.length; i += FAN_OUT) {
      const batch = visited.slice(i, i + FAN_OUT);
      const found = await Promise.all(batch.map(visit));
      for (const [j, result] of found.entries()) {
        step.rows += result.rows;
        step.more ||= result.more;
        results.push([batch[j]!, result]);
      }
    }
    return { step, results };
  }
  const noted = new Set<string>();
  return {
    async add(row) {
      counterEntries(row.counters); // refuse bad input before the index learns of the key
      const day = row.hour.slice(0, 10);
      const mark = `${day}\n${row.keyId}`;
      if (!noted.has(mark)) {
        // Before the row, so a key with rows is always in the index.
        await object(INDEX).noteKey(day, row.keyId);
        if (noted.size >= NOTED_MAX) noted.clear();
        noted.add(mark);
      }
      await object(row.keyId).add(row);
    },
    async query({ keyId, from, to }) {
      const keys =
        keyId !== undefined ? [keyId] : await object(INDEX).keysBetween(from.slice(0, 10), to.slice(0, 10));
      const rows: UsageRow[] = [];
      for (let i = 0; i < keys.length; i += FAN_OUT) {
        const batch = keys.slice(i, i + FAN_OUT);
        const found = await Promise.all(
          batch.map((k) => object(k).query(k, from, to) as Promise<UsageRow[]>),
        );
        rows.push(...found.flat());
      }
      return rows;
    },
    async rollup(before) {
      const keys = await object(INDEX).keysToRollUp(before, keysPerRun + 1);
      const { step, results } = await visitKeys(
        keys,
        (k) =>
          object(k).rollup(before, DAYS_PER_VISIT) as Promise<{
            rows: number;
            more: boolean;
            before: string;
          }>,
      );
      // After the objects: a key object marks itself first, so a mark here never hides an hourly row.
      if (results.length > 0) await object(INDEX).markRolled(results.map(([k, r]) => [k, r.before]));
      return step;
    },
    async prune(before) {
      const keys = await object(INDEX).keysBefore(before, keysPerRun + 1);
      const { step, results } = await visitKeys(
        keys,
        (k) => object(k).prune(before, DAYS_PER_VISIT) as Promise<{ rows: number; more: boolean }>,
      );
      const done = results.filter(([, r]) => !r.more).map(([k]) => k);
      if (done.length > 0) await object(INDEX).forgetBefore(before, done);
      return step;
    },
  };
}
