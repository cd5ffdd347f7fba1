import type { HousekeepingStep } from "@sluice/core";
import type { TransactionCommand, UsageCommands } from "./commands.js";
import { luaScript } from "./script.js";
import {
  CLAIM_DAY_SCRIPT,
  CLAIMED,
  DROP_DAY_SCRIPT,
  FINISH_DAY_SCRIPT,
  FOLD_DAY_SCRIPT,
  PENDING,
} from "./usage-scripts.js";

/** Days since 1970-01-01 of a "YYYY-MM-DD" day: the score of the day in the days index. */
export const dayNumber = (day: string): number => {
  const time = Date.parse(`${day}T00:00:00Z`);
  if (!Number.isFinite(time)) throw new RangeError(`usage days must be written YYYY-MM-DD, got "${day}"`);
  return Math.round(time / 86_400_000);
};

/** The days index entry an add writes: its day, scored pending (it may hold hourly rows). */
export const pendingScore = (day: string): number => dayNumber(day) + PENDING;

interface Layout {
  days: string;
  rowsOf(day: string, keyId: string): string;
  keysOf(day: string): string;
  /** Hashes a call works through before it stops, finishing the day it is on. */
  limit: number;
}

/** Scripts sent at a time: clients pipeline them, and a day of many keys does not queue thousands at once. */
const CHUNK = 100;

const sum = (replies: unknown[]) => replies.reduce<number>((total, n) => total + Number(n), 0);

/**
 * `rollup` and `prune` of the Redis usage store. Both walk the days index oldest first, one claimed day at a
 * time, and end a day's claim only after its work is done: a run killed or failing halfway leaves the day
 * claimed, and the next run (which claims claimed days too) does it again. Both kinds of work may run twice.
 */
export function usageHousekeeping(redis: UsageCommands, layout: Layout) {
  if (!Number.isInteger(layout.limit) || layout.limit < 1) {
    throw new RangeError(`housekeepingLimit must be a whole number ≥ 1, got ${layout.limit}.`);
  }
  const claim = luaScript(redis, CLAIM_DAY_SCRIPT);
  const fold = luaScript(redis, FOLD_DAY_SCRIPT);
  const drop = luaScript(redis, DROP_DAY_SCRIPT);
  const finish = luaScript(redis, FINISH_DAY_SCRIPT);

  /** Claims days before `before` one by one and runs `work` on each day's keys, up to the limit. */
  async function walk(
    step: "rollup" | "prune",
    before: string,
    work: (day: string, keyIds: string[]) => Promise<number>,
  ): Promise<HousekeepingStep> {
    const args = [step, String(dayNumber(before)), String(PENDING), String(CLAIMED)];
    let rows = 0;
    let hashes = 0;
    for (;;) {
      const reply = await claim([layout.days], args);
      if (!Array.isArray(reply) || reply.length === 0) return { rows, more: false };
      const [day, more] = [String(reply[0]), Number(reply[1]) === 1];
      // Strings over TCP; a JSON-parsing client may turn a numeric-looking id into a number.
      const keyIds = (await redis.smembers(layout.keysOf(day))).map(String);
      rows += await work(day, keyIds);
      const rolledUp = dayNumber(day);
      await finish([layout.days], [step, day, String(rolledUp + PENDING + CLAIMED), String(rolledUp)]);
      hashes += keyIds.length;
      if (!more) return { rows, more: false };
      if (hashes >= layout.limit) return { rows, more: true };
    }
  }

  async function inChunks(keyIds: string[], run: (chunk: string[]) => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < keyIds.length; i += CHUNK) total += await run(keyIds.slice(i, i + CHUNK));
    return total;
  }

  return {
    /** Folds each claimed day's hashes into their "00" fields. The day was claimed first, so any add after
     * the claim re-marks it for the next run, and one before the claim is in the hash the fold reads. */
    rollup: (before: string) =>
      walk("rollup", before, (day, keyIds) =>
        inChunks(keyIds, async (chunk) =>
          sum(await Promise.all(chunk.map((k) => fold([layout.rowsOf(day, k)], [])))),
        ),
      ),

    /** Deletes each claimed day's hashes, then takes their keys off the day's set. An add between the two
     * re-creates a hash, which is put back on the set; a run killed in between leaves the keys listed. */
    prune: (before: string) =>
      walk("prune", before, (day, keyIds) =>
        inChunks(keyIds, async (chunk) => {
          const rows = sum(await Promise.all(chunk.map((k) => drop([layout.rowsOf(day, k)], []))));
          await redis.multi(chunk.map((k): TransactionCommand => ["SREM", layout.keysOf(day), k]));
          const hashes = await Promise.all(chunk.map((k) => redis.hgetall(layout.rowsOf(day, k))));
          const back = chunk.filter((_, i) => Object.keys(hashes[i] ?? {}).length > 0);
          if (back.length > 0) {
            await redis.multi(back.map((k): TransactionCommand => ["SADD", layout.keysOf(day), k]));
          }
          return rows;
        }),
      ),
  };
}
