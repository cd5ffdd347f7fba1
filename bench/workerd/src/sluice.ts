// The Worker under test: @sluice/cloudflare as a user deploys it. BENCH_MODE "plain" = createWorker() with
// neither a rate limit nor metrics; "basic" = auth + rate limit in the Durable Object + metrics through the
// Analytics Engine mapping; "full" adds CORS and the response cache. BENCH_NATIVE=1 turns `nativeStreams` on.
// Standalone workerd has no Analytics Engine or KV service, so the data point goes to a no-op dataset (the
// mapping and sampling still run) and the cache is in isolate memory (documented in docs/benchmarks.md).
import { analyticsEngineMetrics, type CloudflareOptions, createWorker } from "@sluice/cloudflare";
import { memoryCache } from "@sluice/core/memory";

export { SluiceRateLimiter } from "@sluice/cloudflare";

const noopDataset = { writeDataPoint() {} };
const cache = memoryCache();

const options: CloudflareOptions = {
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
};
const standard = createWorker(options);
const native = createWorker({ ...options, nativeStreams: true });

export default {
  fetch: (request: Request, env: Record<string, unknown>, ctx: ExecutionContext) =>
    (env.BENCH_NATIVE ? native : standard).fetch(request, env, ctx),
};
