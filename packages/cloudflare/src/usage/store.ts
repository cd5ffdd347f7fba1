/**
 * `UsageStore` over the `SluiceUsage` Durable Object: one object per client key, so adds for different keys
 * never queue behind each other and reading a key's hours touches only its own object. A query for every
 * key asks the index object which keys have rows in the range, then reads those keys' objects.
 */
import type { UsageRow, UsageStore } from "@sluice/core";
import { counterEntries } from "@sluice/core/adapter";
import type { SluiceUsage } from "./durable-object.js";

/** The index object's name; a NUL cannot start a client key id. */
const INDEX = "\u0000sluice-usage-index";
/** Key objects read at once by an every-key query (each read is a subrequest). */
const FAN_OUT = 16;
/** Index marks remembered per isolate, so a busy key notes its day once rather than on every call. */
const NOTED_MAX = 10_000;

/**
 * @example
 * const usage = durableObjectUsageStore(env.USAGE);
 * const gateway = createGateway({ secrets, clients: { keys }, stores: { counters: rateLimit, usage } });
 */
export function durableObjectUsageStore(namespace: DurableObjectNamespace<SluiceUsage>): UsageStore {
  const object = (name: string) => namespace.get(namespace.idFromName(name));
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
  };
}
