import { emptyCounters, type UsageCounters, type UsageStore } from "@sluice/core";
import type { Redis } from "@upstash/redis";

/** The commands the usage store needs; any `@upstash/redis` client fits. */
export type UsageCommands = Pick<Redis, "multi" | "hgetall">;

export interface UpstashUsageOptions {
  /** Prepended to every counter key. Default "sluice:usage:". */
  prefix?: string;
  /**
   * Days a key's counters for one day are kept after its last add (Redis expires them). Default 400, so a
   * year of history stays queryable; 0 keeps them forever.
   */
  retentionDays?: number;
}

const FIELDS = Object.keys(emptyCounters()) as (keyof UsageCounters)[];

/**
 * Per-key, per-day usage counters on Upstash Redis: one Redis hash per key and day, one field per counter.
 * An add is every `HINCRBY` (plus the expiry) in one `MULTI`/`EXEC` transaction, a single REST request to
 * `/multi-exec`: concurrent adds from any number of regions all count, and a reader never sees half an add.
 *
 * @example
 * ```ts
 * import { Redis } from "@upstash/redis";
 * import { upstashUsageStore } from "@sluice/vercel/upstash";
 * createGateway({ secrets, keys, stores: { usage: upstashUsageStore(Redis.fromEnv()) } });
 * ```
 */
export function upstashUsageStore(
  redis: UsageCommands,
  { prefix = "sluice:usage:", retentionDays = 400 }: UpstashUsageOptions = {},
): UsageStore {
  const keyOf = (keyId: string, day: string) => `${prefix}${keyId}:${day}`;
  return {
    async add(keyId, day, delta) {
      const key = keyOf(keyId, day);
      const tx = redis.multi();
      for (const field of FIELDS) {
        const n = delta[field];
        // HINCRBY takes 64-bit integers only; core's counters are whole numbers by contract.
        if (!Number.isSafeInteger(n)) throw new TypeError(`usage ${field} must be a whole number, got ${n}`);
        tx.hincrby(key, field, n);
      }
      if (retentionDays > 0) tx.expire(key, Math.ceil(retentionDays * 86_400));
      await tx.exec();
    },
    async get(keyId, day) {
      const found = await redis.hgetall<Record<string, unknown>>(keyOf(keyId, day));
      if (!found || Object.keys(found).length === 0) return null;
      const counters = emptyCounters();
      // Values beyond 2^53 come back as strings (the client leaves unsafe integers unparsed).
      for (const field of FIELDS) counters[field] = Number(found[field] ?? 0);
      return counters;
    },
  };
}
