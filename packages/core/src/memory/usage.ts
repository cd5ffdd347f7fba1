import {
  addCounters,
  counterEntries,
  dayRowHour,
  emptyCounters,
  type UsageRow,
  type UsageStore,
} from "../ports/usage.js";

const copy = (row: UsageRow): UsageRow => ({
  ...row,
  counters: addCounters(emptyCounters(), row.counters),
});

const idOf = (keyId: string, model: string, hour: string) => `${keyId}\n${model}\n${hour}`;

/** Usage rows in this process's memory: tests and single-process servers. */
export function memoryUsageStore(): UsageStore {
  const rows = new Map<string, UsageRow>();
  const add = (row: UsageRow) => {
    const id = idOf(row.keyId, row.model, row.hour);
    const current = rows.get(id);
    if (current) addCounters(current.counters, row.counters);
    else rows.set(id, copy(row));
  };
  return {
    async add(row) {
      counterEntries(row.counters); // refuses fractions and negatives, as every store must
      add(row);
    },
    async query({ keyId, from, to }) {
      const found: UsageRow[] = [];
      for (const row of rows.values()) {
        if (row.hour < from || row.hour > to) continue;
        if (keyId !== undefined && row.keyId !== keyId) continue;
        found.push(copy(row));
      }
      return found;
    },
    // Synchronous from the first read to the last write, so no add can land in between.
    async rollup(before) {
      let moved = 0;
      for (const [id, row] of rows) {
        if (row.hour >= before || row.hour === dayRowHour(row.hour)) continue;
        rows.delete(id);
        add({ ...row, hour: dayRowHour(row.hour) });
        moved++;
      }
      return { rows: moved, more: false };
    },
    async prune(before) {
      let deleted = 0;
      for (const [id, row] of rows) {
        if (row.hour < before) {
          rows.delete(id);
          deleted++;
        }
      }
      return { rows: deleted, more: false };
    },
  };
}
