import { COUNTER_FIELDS, type UsageCounters, type UsageStore } from "../ports/usage.js";

/** Usage counters in this process's memory: tests and single-process servers. */
export function memoryUsageStore(): UsageStore {
  const days = new Map<string, UsageCounters>();
  return {
    async add(keyId, day, delta) {
      const key = `${keyId}\n${day}`;
      const current = days.get(key);
      if (!current) {
        days.set(key, { ...delta });
        return;
      }
      for (const field of COUNTER_FIELDS) current[field] += delta[field];
    },
    async get(keyId, day) {
      const found = days.get(`${keyId}\n${day}`);
      return found ? { ...found } : null;
    },
  };
}
