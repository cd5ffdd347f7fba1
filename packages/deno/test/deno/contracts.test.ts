/** The core port contracts, run by `deno test --unstable-kv` against a real Deno KV (SQLite, in memory). */
import {
  cacheContract,
  type ContractCase,
  keyStoreContract,
  metricsContract,
  rateLimitContract,
  secretsContract,
  usageStoreContract,
} from "@sluice/core/testing";
import {
  envSecrets,
  kvCache,
  kvKeyStore,
  kvRateLimitStore,
  kvUsageStore,
  logMetrics,
  parseMetricLines,
} from "../../src/index.ts";

const kv: Deno.Kv = await Deno.openKv(":memory:");
// A fresh store per case, all on the same real KV database.
const register = (cases: ContractCase[]) => {
  for (const c of cases) Deno.test({ name: c.name, fn: c.run, sanitizeOps: false, sanitizeResources: false });
};

register(rateLimitContract(() => kvRateLimitStore(kv)));
// Past the documented bound: 128 simultaneous takes, the default attempt limit, on one bucket of 32.
register(rateLimitContract(() => kvRateLimitStore(kv), { concurrency: 128 }).slice(1, 2));
register(cacheContract(() => kvCache(kv), { ttlSeconds: 1 }));
register(keyStoreContract(() => kvKeyStore(kv)));
register(usageStoreContract(() => kvUsageStore(kv)));
// 200 adds in flight at once on one key and day: sums commit without checks, so none may be lost or retried.
register(usageStoreContract(() => kvUsageStore(kv), { concurrency: 200 }).slice(1, 2));
register(
  metricsContract({
    make() {
      const lines: string[] = [];
      return {
        sink: logMetrics({ write: (line) => lines.push(line) }),
        read: async () => parseMetricLines(lines),
      };
    },
  }),
);

Deno.env.set("SLUICE_DENO_TEST_SECRET", "s3cr3t-value");
register(secretsContract(envSecrets(), { SLUICE_DENO_TEST_SECRET: "s3cr3t-value" }));

// The default sink really goes through console.log, one JSON object per line.
register(
  metricsContract({
    make() {
      const lines: string[] = [];
      return {
        sink: {
          record(point) {
            const original = console.log;
            console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
            try {
              logMetrics().record(point);
            } finally {
              console.log = original;
            }
          },
        },
        read: async () => parseMetricLines(lines),
      };
    },
  }).map((c) => ({ ...c, name: `${c.name} (console.log)` })),
);

globalThis.addEventListener("unload", () => kv.close());
