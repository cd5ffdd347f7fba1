import {
  addCounters,
  counterEntries,
  emptyCounters,
  type UsageRow,
  type UsageStore,
} from "../ports/usage.js";

const copy = (row: UsageRow): UsageRow => ({
  ...row,
  counters: addCounters(emptyCounters(), row.counters),
});

/** Usage rows in this process's memory: tests and single-process servers. */
export function memoryUsageStore(): UsageStore {
  const rows = new Map<string, UsageRow>();
  return {
    async add(row) {
      counterEntries(row.counters); // refuses fractions and negatives, as every store must
      const id = `${row.keyId}\n${row.model}\n${row.hour}`;
      const current = rows.get(id);
      if (current) addCounters(current.counters, row.counters);
      else rows.set(id, copy(row));
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
  };
}
