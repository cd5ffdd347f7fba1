// One command for every benchmark: `pnpm bench` (full) or `pnpm bench -- --quick`.
// Every figure is a ratio against a bare fetch passthrough measured in the same run, same runtime, same
// fake upstream, alternating the two. Results: docs/benchmarks.md and docs/benchmarks.svg.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { bundleSizes } from "./lib/bundle.mjs";
import { chart } from "./lib/chart.mjs";
import { fixedRate, ttfb } from "./lib/latency.mjs";
import { memoryCheck, workerdMemoryCheck } from "./lib/memory.mjs";
import { cpuSeconds } from "./lib/proc.mjs";
import { start } from "./lib/spawn.mjs";
import { startNodeTargets } from "./runtimes/node.mjs";
import { startWorkerdTargets } from "./runtimes/workerd.mjs";
import { wrk } from "./lib/wrk.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const SECONDS = quick ? 3 : 8;
const ROUNDS = quick ? 1 : 3;
const CLIENT_KEY = "sluice-bench-key";

const fake = await start("node", [join(root, "packages/fake-upstream/dist/cli.js"), "--port", "0"], {
  ready: /^\{.*\}$/m,
});
const fakeInfo = JSON.parse(fake.match[0]);
const env = {
  UPSTREAM_ANTHROPIC: fakeInfo.baseUrls.anthropic,
  PROVIDER_KEY: FAKE_KEYS.anthropic,
  CLIENT_KEY,
};

const request = (stream) => ({
  body: JSON.stringify({
    model: "claude-haiku-4-5",
    max_tokens: 256,
    stream,
    messages: [{ role: "user", content: "Benchmark request: say something short." }],
  }),
  headers: {
    "content-type": "application/json",
    "x-api-key": CLIENT_KEY,
    "anthropic-version": "2023-06-01",
    // Every call goes upstream: "everything on" pays for hashing and writing the cache, never gets a hit.
    "cache-control": "no-cache",
    ...(stream ? { "x-fake-events": "20" } : {}),
  },
});

const results = { runtimes: {}, quick, date: new Date().toISOString() };
const runtimes = [
  ["node", startNodeTargets],
  ["workerd", startWorkerdTargets],
];
for (const [name, startTargets] of runtimes) {
  const targets = await startTargets({ root, env }).catch((error) => {
    console.error(`! ${name}: ${error.message}`);
    return undefined;
  });
  if (!targets) {
    results.runtimes[name] = { skipped: "could not start (see the bench output)" };
    continue;
  }
  console.log(`\n== ${name}`);
  results.runtimes[name] = await measureRuntime(targets);
  if (targets.limiter) results.limiter = await limiterCheck(targets.limiter);
  await Promise.all(targets.map((t) => t.stop()));
}

results.memory = await memoryCheck({ root, env, request: request(true) });
results.workerdMemory = await workerdMemoryCheck({
  root,
  env,
  request: request(true),
  startTargets: startWorkerdTargets,
}).catch((error) => ({ error: error.message }));
results.bundles = await bundleSizes(root);
await fake.stop();

writeReport(results);

async function measureRuntime(targets) {
  const url = (t) => `${t.url}/anthropic/v1/messages`;
  const out = {};
  for (const stream of [false, true]) {
    const req = request(stream);
    const kind = stream ? "stream" : "json";
    // Warm every target (JIT, connection pools) before measuring.
    for (const t of targets) await wrk(url(t), { ...req, seconds: 1 });
    const samples = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const cpuBefore = cpuSeconds(t.pid);
        const r = await wrk(url(t), { ...req, seconds: SECONDS });
        const cpu = cpuSeconds(t.pid) - cpuBefore;
        if (r.non2xx || r.errors)
          console.warn(`  ${t.name} ${kind}: ${r.non2xx} non-2xx, socket errors ${r.errors ?? "none"}`);
        samples[t.name].push({ rps: r.rps, cpuMsPerRequest: (cpu * 1000) / r.requests });
        console.log(
          `  ${kind.padEnd(6)} ${t.name.padEnd(14)} ${r.rps.toFixed(0)} req/s, ${((cpu * 1000) / r.requests).toFixed(3)} ms CPU/req`,
        );
      }
    }
    // One fixed rate for every target, half of the slowest one's saturated rate, so the percentiles measure
    // the gateway and not a queue in front of it.
    const slowest = Math.min(...targets.map((t) => median(samples[t.name].map((x) => x.rps))));
    const rate = Math.max(20, Math.round(slowest * 0.5));
    const latency = {};
    for (const t of targets) latency[t.name] = await fixedRate(url(t), { ...req, seconds: SECONDS, rate });
    const firstByte = {};
    if (stream)
      for (const t of targets) firstByte[t.name] = await ttfb(url(t), { ...req, count: quick ? 30 : 100 });
    out[kind] = { samples, latency, rate, firstByte };
  }
  return out;
}

/** 1,000 concurrent requests against a bucket of `capacity` that cannot refill during the run. */
async function limiterCheck({ url, capacity }) {
  const req = request(false);
  const { Agent, request: send } = await import("undici");
  const agent = new Agent({ connections: 1000 });
  const statuses = await Promise.all(
    Array.from({ length: 1000 }, async () => {
      const r = await send(`${url}/anthropic/v1/messages`, {
        method: "POST",
        body: req.body,
        headers: req.headers,
        dispatcher: agent,
      });
      await r.body.dump();
      return r.statusCode;
    }),
  );
  await agent.close();
  const admitted = statuses.filter((s) => s === 200).length;
  const denied = statuses.filter((s) => s === 429).length;
  console.log(`  limiter: ${admitted} admitted, ${denied} denied of 1000 (bucket ${capacity})`);
  return { capacity, admitted, denied, other: 1000 - admitted - denied };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function writeReport(r) {
  mkdirSync(join(root, "docs"), { recursive: true });
  const rows = [];
  const lines = [
    "# Benchmarks",
    "",
    `Generated by \`pnpm bench\`${r.quick ? " (quick mode: shorter runs, one round)" : ""} on ${r.date}. Every figure is a ratio against a bare`,
    "fetch passthrough measured in the same run, in the same runtime, against the same fake upstream, alternating",
    "the two. Machine: 2 shared cores; the load generator (wrk, one thread), the fake upstream (Node) and the",
    "server under test all share them, so absolute numbers are low and noisy: read the ratios and the CPU per",
    "request, which do not depend on who is the bottleneck.",
    "How to read these numbers, and what the attribution runs showed: [bench/README.md](../bench/README.md).",
    "",
    "Targets: **sluice-basic** = auth + rate limit + metrics; **sluice-full** = everything on (plus CORS and the",
    "response cache consulted and written on every call); **sluice-lease** (workerd only) = sluice-basic with the",
    "opt-in rate-limit token leasing (16 tokens per Durable Object round trip). On Node the rate limit uses the",
    "in-memory store; on workerd it is the SQLite-backed Durable Object on local disk, one round trip per request",
    "(sluice-basic, sluice-full). Standalone workerd has no Analytics Engine or KV service: the metric point goes",
    "through the real Analytics Engine mapping into a no-op dataset, and sluice-full's cache is in isolate memory.",
    "",
  ];
  for (const [runtime, data] of Object.entries(r.runtimes)) {
    lines.push(`## ${runtime}`, "");
    if (data.skipped) {
      lines.push(`Not measured: ${data.skipped}.`, "");
      continue;
    }
    lines.push(
      "| scenario | target | req/s (median) | × bare | CPU ms/req | p50 ms | p99 ms | p50 added ms | TTFB ms | TTFB × bare |",
      "|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const [kind, d] of Object.entries(data)) {
      const bare = median(d.samples.bare.map((s) => s.rps));
      for (const [target, samples] of Object.entries(d.samples)) {
        const rps = median(samples.map((s) => s.rps));
        const cpu = median(samples.map((s) => s.cpuMsPerRequest));
        const lat = d.latency[target];
        const added = lat.p50 - d.latency.bare.p50;
        const tt = d.firstByte[target];
        const ttRatio = tt !== undefined ? tt / d.firstByte.bare : undefined;
        lines.push(
          `| ${kind} | ${target} | ${rps.toFixed(0)} | ${(rps / bare).toFixed(2)} | ${cpu.toFixed(3)} | ${lat.p50.toFixed(2)} | ${lat.p99.toFixed(2)} | ${target === "bare" ? "–" : added.toFixed(2)} | ${tt?.toFixed(2) ?? "–"} | ${ttRatio?.toFixed(2) ?? "–"} |`,
        );
        if (target !== "bare") {
          rows.push({
            label: `${runtime} ${kind} ${target} throughput × bare`,
            value: rps / bare,
            target: 0.85,
            better: "higher",
            display: (rps / bare).toFixed(2),
          });
          if (target === "sluice-basic") {
            rows.push({
              label: `${runtime} ${kind} p50 added latency (ms)`,
              value: Math.max(0, added),
              target: 1,
              better: "lower",
              display: added.toFixed(1),
            });
            rows.push({
              label: `${runtime} ${kind} CPU ms/request`,
              value: cpu,
              target: 10,
              better: "lower",
              display: cpu.toFixed(3),
            });
          }
          if (ttRatio !== undefined && target === "sluice-basic") {
            rows.push({
              label: `${runtime} stream TTFB × bare`,
              value: ttRatio,
              target: 1.1,
              better: "lower",
              display: ttRatio.toFixed(2),
            });
          }
        }
      }
    }
    lines.push(
      "",
      `Fixed-rate latency: ${Object.entries(data)
        .map(([k, d]) => `${k} at ${d.rate} req/s`)
        .join(", ")} (half of the slowest target's saturated rate, the same for every target).`,
      "",
    );
  }
  if (r.limiter) {
    lines.push(
      "## Rate limiter (workerd, Durable Object)",
      "",
      `1,000 concurrent requests against a bucket of ${r.limiter.capacity} that does not refill during the run: **${r.limiter.admitted} admitted, ${r.limiter.denied} denied** (${r.limiter.other} other). Exact admission means admitted = ${r.limiter.capacity}.`,
      "",
      "Durable Object round trips per request in the common case: **one** `take` RPC per admitted request (the bucket lives in the DO; nothing is cached that could over-admit). A key this isolate has seen denied is answered from memory until its bucket can have refilled: zero round trips.",
      "",
    );
  }
  const m = r.memory;
  const w = r.workerdMemory;
  const mb = (kb) => (kb / 1024).toFixed(1);
  lines.push(
    "## Memory",
    "",
    "Peak RSS of the server process (after one 10 MB warm-up stream) after a 1 MB stream, then after a 100 MB stream:",
    "",
    "| runtime | after 1 MB | after 100 MB | growth (target < 10 MB) | bare passthrough's growth |",
    "|---|---|---|---|---|",
    `| Node | ${mb(m.after1MB)} MB | ${mb(m.after100MB)} MB | ${mb(m.growthKb)} MB | ${mb(m.bareGrowthKb)} MB |`,
    w.error
      ? `| workerd | not measured: ${w.error} | | | |`
      : `| workerd | ${mb(w.after1MB)} MB | ${mb(w.after100MB)} MB | ${mb(w.growthKb)} MB | ${mb(w.bareGrowthKb)} MB |`,
    "",
    "## Bundle sizes (minified + gzipped)",
    "",
    "| bundle | bytes |",
    "|---|---|",
    ...r.bundles.map((b) => `| ${b.name} | ${b.note ?? b.gzip} |`),
    "",
    "![benchmarks](benchmarks.svg)",
    "",
  );
  if (!w.error) {
    rows.push({
      label: "workerd memory growth 1 MB → 100 MB stream (MB)",
      value: w.growthKb / 1024,
      target: 10,
      better: "lower",
      display: (w.growthKb / 1024).toFixed(1),
    });
  }
  rows.push({
    label: "Node memory growth 1 MB → 100 MB stream (MB)",
    value: m.growthKb / 1024,
    target: 10,
    better: "lower",
    display: (m.growthKb / 1024).toFixed(1),
  });
  const core = r.bundles.find((b) => b.name === "@sluice/core");
  if (core)
    rows.push({
      label: "@sluice/core bundle (KB gz)",
      value: core.gzip / 1024,
      target: 25,
      better: "lower",
      display: (core.gzip / 1024).toFixed(1),
    });
  writeFileSync(join(root, "docs/benchmarks.md"), lines.join("\n"));
  writeFileSync(join(root, "docs/benchmarks.svg"), chart("Sluice vs targets (green: target met)", rows));
  console.log(`\nwrote docs/benchmarks.md and docs/benchmarks.svg`);
}
