// The Worker under test: @sluice/cloudflare as a user deploys it. BENCH_MODE "basic" = auth + rate limit in
// the Durable Object + metrics through the Analytics Engine mapping; "full" adds CORS and the response cache.
// Standalone workerd has no Analytics Engine or KV service, so the data point goes to a no-op dataset (the
// mapping and sampling still run) and the cache is in isolate memory (documented in docs/benchmarks.md).
import { analyticsEngineMetrics, createWorker } from "@sluice/cloudflare";
import { memoryCache } from "@sluice/core/memory";

export { SluiceRateLimiter } from "@sluice/cloudflare";

const noopDataset = { writeDataPoint() {} };
const cache = memoryCache();

export default createWorker({
  gateway: (env: Record<string, unknown>) => ({
    // BENCH_HOLD=0 / BENCH_METRICS=off switch single features off, to attribute the cost.
    ...(env.BENCH_HOLD !== undefined ? { upstream: { holdPreambleMs: Number(env.BENCH_HOLD) } } : {}),
    // BENCH_LEASE=N: the opt-in rate-limit token leasing (N tokens per Durable Object round trip).
    ...(env.BENCH_LEASE ? { limits: { lease: { size: Number(env.BENCH_LEASE) } } } : {}),
    ...(env.BENCH_METRICS === "off" ? {} : { metrics: analyticsEngineMetrics(noopDataset as never, {}) }),
    ...(env.BENCH_MODE === "full"
      ? { cache: { ttlSeconds: 60 }, stores: { cache }, cors: { origins: "*" as const } }
      : {}),
  }),
});
