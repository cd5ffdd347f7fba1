// The Worker under test: @sluice/cloudflare as a user deploys it. BENCH_MODE "plain" = createWorker() with
// neither a rate limit nor metrics; "basic" = auth + rate limit in the Durable Object + metrics through the
// Analytics Engine mapping; "full" adds CORS and the response cache. BENCH_NATIVE=1 turns `nativeStreams` on;
// BENCH_RTT_MS=N puts the rate limiter's Durable Object N ms away (rtt.ts). The object counts its takes
// (count.ts).
// Standalone workerd has no Analytics Engine or KV service, so the data point goes to a no-op dataset (the
// mapping and sampling still run) and the cache is in isolate memory (documented in docs/benchmarks.md).
import { analyticsEngineMetrics, type CloudflareOptions, createWorker } from "@sluice/cloudflare";
import { memoryCache } from "@sluice/core/memory";
import { takeStats } from "./count.js";
import { distantEnv, rttStats, timed } from "./rtt.js";

export { SluiceRateLimiter } from "./count.js";

const noopDataset = { writeDataPoint() {} };
const BYOK_OPENAI = "sk-bench-callers-own-openai-key-0001";
const cache = memoryCache();

const options: CloudflareOptions = {
  gateway: (env: Record<string, unknown>) => ({
    // BENCH_HOLD=0 / BENCH_METRICS=off switch single features off, to attribute the cost (BENCH_RESUME turns
    // one on).
    ...(env.BENCH_HOLD !== undefined ? { upstream: { holdPreambleMs: Number(env.BENCH_HOLD) } } : {}),
    // BENCH_BYOK=1: callers bring their own provider key (the fetch below puts it on each request), so a
    // stream is answered with the caller's own key and takes the native path by default. The fake upstream's
    // OpenAI key is too short for OpenAI's key shape, so callers send BYOK_OPENAI, swapped back on the way out.
    ...(env.BENCH_BYOK
      ? {
          clients: { byok: true },
          upstream: {
            fetch: (url: string, init: RequestInit) => {
              const headers = new Headers(init.headers);
              if (headers.get("authorization") === `Bearer ${BYOK_OPENAI}`)
                headers.set("authorization", `Bearer ${env.OPENAI_API_KEY}`);
              return fetch(url, { ...init, headers });
            },
          },
        }
      : {}),
    // BENCH_RESUME=1: stream resumption, which keeps every chunk on the JavaScript path.
    ...(env.BENCH_RESUME ? { upstream: { streamResumption: true } } : {}),
    // BENCH_TRANSLATE=1: every Anthropic call answered by OpenAI and translated back (the Anthropic upstream
    // is a closed port, so each call falls back at once; the failed connect is per call, not per event).
    ...(env.BENCH_TRANSLATE
      ? {
          providers: { anthropic: { baseUrl: "http://127.0.0.1:9" } },
          upstream: {
            translate: true,
            retry: { maxRetries: 0 },
            fallbacks: { "*": [{ provider: "openai" as const, model: "gpt-4o-mini" }] },
          },
        }
      : {}),
    // BENCH_LEASE=N: rate-limit token leasing of N tokens per Durable Object round trip; "off": none, every
    // call takes its token from the object. Unset: the default (`size: "auto"`).
    ...(env.BENCH_LEASE === "off"
      ? { limits: { lease: false as const } }
      : env.BENCH_LEASE
        ? { limits: { lease: { size: Number(env.BENCH_LEASE) } } }
        : {}),
    ...(env.BENCH_METRICS === "off" ? {} : { metrics: analyticsEngineMetrics(noopDataset as never, {}) }),
    ...(env.BENCH_MODE === "full"
      ? { cache: { ttlSeconds: 60 }, stores: { cache }, cors: { origins: "*" as const } }
      : {}),
  }),
};
const standard = createWorker(options);
const native = createWorker({ ...options, nativeStreams: true });

export default {
  fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext) {
    const worker = env.BENCH_NATIVE ? native : standard;
    const rtt = Number(env.BENCH_RTT_MS ?? 0);
    // Every target pays this one string check, so none is measured with more request-path work than another.
    if (request.url.endsWith("/_bench/takes")) return Response.json(takeStats);
    if (env.BENCH_BYOK) {
      // The caller's own key in place of the Sluice key: one header copy per request, nothing per event.
      const headers = new Headers(request.headers);
      if (headers.has("authorization")) headers.set("authorization", `Bearer ${BYOK_OPENAI}`);
      else headers.set("x-api-key", env.ANTHROPIC_API_KEY as string);
      return worker.fetch(new Request(request, { headers }), env, ctx);
    }
    if (!rtt) return worker.fetch(request, env, ctx);
    // BENCH_RTT_MS: the Durable Object another region away (bench/workerd/src/rtt.ts).
    if (new URL(request.url).pathname === "/_bench/rtt") {
      const stats = { ...rttStats };
      rttStats.calls = 0;
      rttStats.waited = 0;
      return Response.json(stats);
    }
    return timed(rtt, () => worker.fetch(request, distantEnv(env, rtt), ctx));
  },
};
