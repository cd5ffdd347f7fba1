/**
 * The memory ports pass every contract suite, and deliberately broken ports fail exactly the case meant to
 * catch them: proof that the suites adapters rely on can fail.
 */
import { describe, expect, it } from "vitest";
import { type BucketState, takeFromBucket } from "../src/bucket.js";
import {
  memoryCache,
  memoryMetrics,
  memoryObjects,
  memoryRateLimitStore,
  memorySecrets,
} from "../src/memory/index.js";
import type { CachePort, MetricPoint, RateLimitStore } from "../src/ports/index.js";
import {
  cacheContract,
  metricsContract,
  objectsContract,
  rateLimitContract,
  secretsContract,
} from "../src/testing/index.js";
import { logMetrics, parseMetricLines } from "../src/metrics/log.js";
import { failedCases } from "./failed-cases.js";

describe("memory ports pass their contracts", () => {
  for (const c of rateLimitContract(() => memoryRateLimitStore())) it(c.name, c.run);
  for (const c of cacheContract(() => memoryCache())) it(c.name, c.run);
  for (const c of metricsContract({
    make: () => {
      const sink = memoryMetrics();
      return { sink, read: async () => sink.points };
    },
  }))
    it(c.name, c.run);
  for (const c of metricsContract({
    make: () => {
      const lines: string[] = [];
      return {
        sink: logMetrics({ write: (line) => lines.push(line) }),
        read: async () => parseMetricLines(lines),
      };
    },
  }))
    it(`logMetrics: ${c.name}`, c.run);
  for (const c of objectsContract(() => memoryObjects())) it(c.name, c.run);
  for (const c of secretsContract(memorySecrets({ A: "1", B: "two ✓" }), { A: "1", B: "two ✓" }))
    it(c.name, c.run);
});

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Correct bucket math, but a read-then-write with an await in between: concurrent takes see the same state. */
function racyRateLimitStore(): RateLimitStore {
  const buckets = new Map<string, BucketState>();
  return {
    async take(key, cost, policy, options) {
      const current = buckets.get(key);
      await tick();
      const { state, result } = takeFromBucket(current, cost, policy, Date.now(), options);
      buckets.set(key, state);
      return result;
    },
  };
}

/** Keeps entries forever. */
function immortalCache(): CachePort {
  const entries = new Map<string, Uint8Array>();
  return {
    async get(key) {
      return entries.get(key) ?? null;
    },
    async set(key, value) {
      entries.set(key, value.slice());
    },
  };
}

describe("broken ports fail their contracts", () => {
  it("a racy rate-limit store fails the concurrency case, and only it", async () => {
    const cases = rateLimitContract(() => racyRateLimitStore());
    const failed = await failedCases(cases);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/concurrent takes/);
  });

  it("a cache that ignores its TTL fails the TTL case, and only it", async () => {
    const failed = await failedCases(cacheContract(() => immortalCache()));
    expect(failed).toEqual([expect.stringMatching(/expires after its TTL/)]);
  });

  for (const dropped of ["cacheWriteTokens", "failure", "ttfbMs"] as const) {
    it(`a metrics sink that drops ${dropped} fails the every-field case, and only it`, async () => {
      const failed = await failedCases(
        metricsContract({
          make: () => {
            const points: MetricPoint[] = [];
            return {
              sink: {
                record(point) {
                  const { [dropped]: _, ...rest } = point;
                  points.push(rest as MetricPoint);
                },
              },
              read: async () => points,
            };
          },
        }),
      );
      expect(failed).toEqual([expect.stringMatching(/every field/)]);
    });
  }

  it("an object store that loses the content type fails the round-trip case", async () => {
    const failed = await failedCases(
      objectsContract(() => {
        const inner = memoryObjects();
        return { get: inner.get, put: (key, value) => inner.put(key, value) };
      }),
    );
    expect(failed).toEqual([expect.stringMatching(/round-trip/)]);
  });

  it("a secrets port that answers unset names with an empty string fails", async () => {
    const failed = await failedCases(
      secretsContract({ get: (name) => (name === "A" ? "1" : "") }, { A: "1" }),
    );
    expect(failed).toHaveLength(1);
  });
});
