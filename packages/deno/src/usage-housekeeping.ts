/**
 * Rollup and prune for the Deno KV usage store (see `usage.ts` for the layout). Every counter is a
 * `Deno.KvU64`, so a rollup moves each one with `check` (its versionstamp) + `delete` + `sum` into the day's
 * `T00` counter, in one commit: an add that lands in between changes the versionstamp, the commit fails, and the
 * counter is read again, so no add is lost and none is counted twice. A query over whole days sums the same at
 * every moment of a rollup.
 */
import type { HousekeepingStep } from "@sluice/core";
import type { KvKey, KvMutationsLike, KvSpendLike } from "./kv.ts";

/** Where the store keeps things: `rows` (the counters) and `unrolled` (one marker per day that has new writes). */
export interface UsageLayout {
  rows: KvKey;
  unrolled: KvKey;
}

/**
 * Counters per commit. Deno KV allows 100 checks and 1,000 mutations per atomic operation, and 80 KiB of keys
 * written with a value (the sums here); a move is one check and two mutations. Model names come from clients
 * and may be long, so the keys' size bounds a commit too.
 */
const MOVES_PER_COMMIT = 64;
const SUM_KEY_BYTES_PER_COMMIT = 60_000;
/** Deletes per commit in a prune, well inside the 80 KiB of keys a commit may carry. */
const DELETES_PER_COMMIT = 128;
/** Attempts to move one counter that adds keep changing (only racing adds to an old day do). */
const MAX_ATTEMPTS = 32;

interface Move {
  row: string;
  key: KvKey;
  to: KvKey;
  n: bigint;
  versionstamp: string;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const encoder = new TextEncoder();
/** A bound on a key's encoded size: each string part is its UTF-8 bytes plus a type tag and a terminator. */
const keyBytes = (key: KvKey) =>
  key.reduce<number>(
    (sum, part) => sum + (typeof part === "string" ? encoder.encode(part).length + 2 : 10),
    0,
  );

/** One counter alone, read afresh until its commit holds: after a batch lost a race. */
async function moveAlone(kv: KvSpendLike, { key, to }: Move): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = await kv.get<{ value: bigint }>(key);
    if (entry.value === null || entry.versionstamp === null) return false; // another rollup moved it
    const commit = await kv
      .atomic()
      .check({ key, versionstamp: entry.versionstamp })
      .delete(key)
      .sum(to, entry.value.value)
      .commit();
    if (commit.ok) return true;
    await pause(Math.random() * Math.min(2 ** attempt, 25));
  }
  throw new Error(`Deno KV usage store: a counter kept changing through ${MAX_ATTEMPTS} rollup attempts.`);
}

/** Commits the moves together; if any counter changed since it was read, moves each alone. Adds rows moved. */
async function commitMoves(kv: KvSpendLike, moves: Move[], moved: Set<string>) {
  if (moves.length === 0) return;
  const op = moves.reduce<KvMutationsLike>(
    (op, m) => op.check({ key: m.key, versionstamp: m.versionstamp }).delete(m.key).sum(m.to, m.n),
    kv.atomic(),
  );
  if ((await op.commit()).ok) {
    for (const m of moves) moved.add(m.row);
    return;
  }
  for (const m of moves) if (await moveAlone(kv, m)) moved.add(m.row);
}

/**
 * Folds the hourly rows of each day before `before` into the day's `T00` row. Visits only the days marked by
 * an add since their last complete rollup; a day's marker is deleted only if no add touched the day during the
 * run (checked on the marker's versionstamp), so a racing add is folded by the next run.
 */
export async function rollupUsage(
  kv: KvSpendLike,
  { rows, unrolled }: UsageLayout,
  before: string,
  limit: number,
): Promise<HousekeepingStep> {
  const moved = new Set<string>();
  let visited = 0;
  for await (const marker of kv.list({ prefix: unrolled, end: [...unrolled, before] })) {
    const day = marker.key[unrolled.length] as string;
    let moves: Move[] = [];
    let bytes = 0;
    let row = "";
    for await (const entry of kv.list<{ value: bigint }>({ prefix: [...rows, day] })) {
      const [keyId, hh, model, field] = entry.key.slice(rows.length + 1) as string[];
      if (hh === "00" || keyId === undefined || model === undefined || field === undefined) continue;
      const id = JSON.stringify([day, keyId, hh, model]);
      if (id !== row) {
        // Stop between rows, so no row is left half moved at the end of a run.
        if (visited >= limit) {
          await commitMoves(kv, moves, moved);
          return { rows: moved.size, more: true };
        }
        row = id;
        visited++;
      }
      const to = [...rows, day, keyId, "00", model, field];
      if (moves.length >= MOVES_PER_COMMIT || bytes + keyBytes(to) > SUM_KEY_BYTES_PER_COMMIT) {
        await commitMoves(kv, moves, moved);
        moves = [];
        bytes = 0;
      }
      bytes += keyBytes(to);
      moves.push({
        row: id,
        key: entry.key as KvKey,
        to,
        n: entry.value.value,
        versionstamp: entry.versionstamp,
      });
    }
    await commitMoves(kv, moves, moved);
    const key = [...unrolled, day];
    await kv.atomic().check({ key, versionstamp: marker.versionstamp }).delete(key).commit();
  }
  return { rows: moved.size, more: false };
}

/** Deletes every counter of the days before `before`, and their markers. Rows deleted. */
export async function pruneUsage(
  kv: KvSpendLike,
  { rows, unrolled }: UsageLayout,
  before: string,
  limit: number,
): Promise<HousekeepingStep> {
  let deleted = 0;
  let row = "";
  let keys: KvKey[] = [];
  const flush = async () => {
    if (keys.length === 0) return;
    const op = keys.reduce<KvMutationsLike>((op, key) => op.delete(key), kv.atomic());
    if (!(await op.commit()).ok) throw new Error("Deno KV usage store: a prune commit was refused.");
    keys = [];
  };
  for await (const entry of kv.list({ prefix: rows, end: [...rows, before] })) {
    const id = JSON.stringify(entry.key.slice(rows.length, -1));
    if (id !== row) {
      if (deleted >= limit) {
        await flush();
        return { rows: deleted, more: true };
      }
      row = id;
      deleted++;
    }
    keys.push(entry.key as KvKey);
    if (keys.length >= DELETES_PER_COMMIT) await flush();
  }
  for await (const marker of kv.list({ prefix: unrolled, end: [...unrolled, before] })) {
    keys.push(marker.key as KvKey);
    if (keys.length >= DELETES_PER_COMMIT) await flush();
  }
  await flush();
  return { rows: deleted, more: false };
}
