// One command for every benchmark: `pnpm bench` (full) or `pnpm bench -- --quick`.
// Every figure is a ratio against a bare fetch passthrough measured in the same run, same runtime, same
// fake upstream, alternating the two. Results: docs/benchmarks.md and docs/benchmarks.svg.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { bundleSizes } from "./lib/bundle.mjs";
import { anthropicRequest, CLIENT_KEY, openaiRequest } from "./lib/request.mjs";
import { chart } from "./lib/chart.mjs";
import { fixedRate, ttfb } from "./lib/latency.mjs";
import { memoryCheck, workerdMemoryCheck } from "./lib/memory.mjs";
import { cpuSeconds } from "./lib/proc.mjs";
import { start } from "./lib/spawn.mjs";
import { startDenoTargets } from "./runtimes/deno.mjs";
import { startEdgeTargets } from "./runtimes/edge.mjs";
import { startNodeTargets } from "./runtimes/node.mjs";
import { RTT_LEASE, RTT_MS, startWorkerd, startWorkerdTargets } from "./runtimes/workerd.mjs";
import { longStreams } from "./lib/long-streams.mjs";
import { wrk } from "./lib/wrk.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
// `--only rtt|do|streams|others|memory`: just the simulated Durable Object round trip, the Durable Object
// storage run, the workerd long streams, the Node, Deno and edge-runtime long streams, or workerd's memory,
// printed (docs/benchmarks.md is left alone).
// With `--targets bare,floor-pump,sluice-plain` streams, memory and the Durable Object run only those targets.
// `--only others --runtimes Deno` runs one runtime's long streams.
// `--only <section> --update <saved results>` puts the section into a whole run's saved results and
// regenerates docs/benchmarks.md from them.
const arg = (name) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const only = arg("--only");
const SECONDS = quick ? 3 : 8;
const ROUNDS = quick ? 1 : 3;
/** Open-loop rate for the round-trip runs: a steady stream, below every target's saturation. */
const RTT_RATE = 40;

const fake = await start("node", [join(root, "packages/fake-upstream/dist/cli.js"), "--port", "0"], {
  ready: /^\{.*\}$/m,
});
const fakeInfo = JSON.parse(fake.match[0]);
const env = {
  UPSTREAM_ANTHROPIC: fakeInfo.baseUrls.anthropic,
  PROVIDER_KEY: FAKE_KEYS.anthropic,
  UPSTREAM_OPENAI: fakeInfo.baseUrls.openai,
  OPENAI_KEY: FAKE_KEYS.openai,
  CLIENT_KEY,
};

const request = (stream) => anthropicRequest(stream);

/** The stream path in workerd, each target in its own process: the floors and Sluice without and with a limiter. */
const STREAM_TARGETS = arg("--targets")?.split(",") ?? [
  "bare",
  "floor-pump",
  "floor-pull",
  "floor-tee",
  "floor-teepacedpipe",
  "sluice-plain",
  "sluice-nohold",
  "sluice-resume",
  "sluice-native",
  "sluice-byok",
  "sluice-basic",
  "sluice-native-basic",
];

if (arg("--report")) {
  writeReport(JSON.parse(readFileSync(arg("--report"), "utf8")));
  await fake.stop();
  process.exit(0);
}

if (only) {
  const memory = () =>
    workerdMemoryCheck({ root, env, request: request(true), startWorkerd, names: STREAM_TARGETS });
  const run = {
    rtt: roundTrip,
    do: doStorage,
    streams: workerdLongStreams,
    memory,
    others: otherLongStreams,
  }[only];
  if (!run) throw new Error(`--only takes rtt, do, streams, others or memory, not ${only}`);
  // Ratios are only ever taken within one run, so a section is replaced whole, never from some targets.
  if (arg("--update") && arg("--targets")) throw new Error("--update would mix runs: leave out --targets");
  const out = await run();
  console.log(only === "do" ? doStorageSection(out).join("\n") : JSON.stringify(out, null, 2));
  // `--update <saved results>`: put this section into a whole run's results and regenerate the page from them.
  if (arg("--update")) {
    const key = {
      rtt: "roundTrip",
      do: "doStorage",
      streams: "longStreams",
      memory: "workerdMemory",
      others: "otherLongStreams",
    }[only];
    const saved = JSON.parse(readFileSync(arg("--update"), "utf8"));
    if (!key || !saved[key])
      throw new Error("--update refreshes rtt, do, streams, others or memory of a whole run");
    // `others` is per runtime, each against its own bare: `--runtimes` merges.
    saved[key] = only === "others" && !saved[key].error ? { ...saved[key], ...out } : out;
    const mode = quick ? "quick mode" : `${ROUNDS} rounds of ${SECONDS} s`;
    saved.refreshed = { ...saved.refreshed, [key]: `${new Date().toISOString()} (${mode})` };
    writeFileSync(arg("--update"), JSON.stringify(saved));
    writeReport(saved);
  }
  await fake.stop();
  process.exit(0);
}

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

results.longStreams = await workerdLongStreams().catch((error) => ({ error: error.message }));
results.otherLongStreams = await otherLongStreams().catch((error) => ({ error: error.message }));
results.doStorage = await doStorage().catch((error) => ({ error: error.message }));
results.roundTrip = await roundTrip().catch((error) => ({ error: error.message }));
results.memory = await memoryCheck({ root, env, request: request(true) });
results.workerdMemory = await workerdMemoryCheck({
  root,
  env,
  request: request(true),
  startWorkerd,
  names: STREAM_TARGETS,
}).catch((error) => ({ error: error.message }));
results.bundles = await bundleSizes(root);
await fake.stop();

// Kept, so a report can be written again from the same run: `node run.mjs --report <file>`.
const saved = join(tmpdir(), "sluice-bench-results.json");
writeFileSync(saved, JSON.stringify(results));
console.log(`results: ${saved}`);
writeReport(results);

/** 200- and 1,000-event streams, CPU per event, and time to first byte of a dripping stream. */
async function workerdLongStreams() {
  console.log("\n== workerd long streams (one process per target)");
  const processes = [];
  try {
    for (const name of STREAM_TARGETS) processes.push(await startWorkerd({ root, env, names: [name] }));
    return await measureLongStreams(
      processes.map((p) => p[0]),
      { openai: true },
    );
  } finally {
    for (const p of processes) await p.stop();
  }
}

/** The same long streams on Node, Deno and edge-runtime: bare and Sluice, each in its own process. */
async function otherLongStreams() {
  const out = {};
  const runtimes = arg("--runtimes")?.split(",");
  for (const [name, startTargets] of [
    ["Node", startNodeTargets],
    ["Deno", startDenoTargets],
    ["edge-runtime", startEdgeTargets],
  ].filter(([name]) => !runtimes || runtimes.includes(name))) {
    console.log(`\n== ${name} long streams (one process per target)`);
    const targets = await startTargets({ root, env }).catch((error) => ({ error }));
    if (targets.error) {
      out[name] = { error: targets.error.message };
      continue;
    }
    try {
      const wanted = targets.filter((t) => t.name !== "sluice-full");
      out[name] = await measureLongStreams(wanted);
    } finally {
      await Promise.all(targets.map((t) => t.stop()));
    }
  }
  return out;
}

/** 200- and 1,000-event streams (CPU per event), and first byte / first token of a dripping stream. */
async function measureLongStreams(targets, { openai = false } = {}) {
  {
    const streams = await longStreams(targets, {
      request: request(true),
      eventCounts: [200, 1000],
      seconds: SECONDS,
      rounds: ROUNDS,
    });
    // workerd: OpenAI Chat Completions with usage asked for, where every chunk carries "usage": null.
    if (openai) {
      const chat = await longStreams(targets, {
        request: openaiRequest(),
        eventCounts: [1000],
        seconds: SECONDS,
        rounds: ROUNDS,
      });
      streams["1000 (OpenAI)"] = chat[1000];
    }
    // A dripping stream (5 events, 50 ms apart): a design that holds bytes back shows here, not on a fast one.
    const drip = request(true);
    drip.headers = { ...drip.headers, "x-fake-events": "5", "x-fake-fault": "drip=50" };
    const firstByte = {};
    const firstToken = {};
    for (const t of targets) {
      const url = `${t.url}/anthropic/v1/messages`;
      const times = await ttfb(url, { ...drip, count: quick ? 5 : 20, until: "content_block_delta" });
      firstByte[t.name] = times.firstByte;
      firstToken[t.name] = times.marked;
      console.log(
        `  drip ${t.name.padEnd(14)} first byte ${times.firstByte.toFixed(1)} ms, first token ${times.marked.toFixed(1)} ms`,
      );
    }
    return { streams, firstByte, firstToken };
  }
}

/** The rate limiter's Durable Object calls a Sluice target made so far (bench/workerd/src/count.ts). */
async function limiterTakes(target) {
  if (!target.name.startsWith("sluice")) return undefined;
  const response = await fetch(`${target.url}/_bench/takes`);
  const counts = response.ok ? await response.json().catch(() => undefined) : undefined;
  return typeof counts?.takes === "number" ? counts.takes : undefined;
}

/** The Durable Object path, non-streamed, with the objects' SQLite on tmpfs and on disk. */
async function doStorage() {
  const out = {};
  for (const storage of ["tmpfs", "disk"]) {
    console.log(`\n== workerd Durable Object storage on ${storage}`);
    const targets = await startWorkerd({
      root,
      env,
      names: arg("--targets")?.split(",") ?? [
        "bare",
        "floor-do",
        "sluice-plain",
        "sluice-nolimit",
        "sluice-direct",
        "sluice-basic",
        "sluice-lease",
        "sluice-lease64",
      ],
      storage,
    });
    try {
      const req = request(false);
      const url = (t) => `${t.url}/anthropic/v1/messages`;
      for (const t of targets) await wrk(url(t), { ...req, seconds: 1 });
      const samples = Object.fromEntries(targets.map((t) => [t.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of round % 2 ? [...targets].reverse() : targets) {
          const takesBefore = await limiterTakes(t);
          const cpuBefore = cpuSeconds(t.pid);
          const r = await wrk(url(t), { ...req, seconds: SECONDS });
          const cpu = cpuSeconds(t.pid) - cpuBefore;
          const takesAfter = await limiterTakes(t);
          // Takes over wrk's completed requests (a request cut off at the end may have taken too: noise).
          const storeCallsPerRequest =
            takesAfter === undefined ? undefined : (takesAfter - takesBefore) / r.requests;
          samples[t.name].push({
            rps: r.rps,
            cpuMsPerRequest: (cpu * 1000) / r.requests,
            storeCallsPerRequest,
          });
          console.log(`  ${t.name.padEnd(14)} ${r.rps.toFixed(0)} req/s`);
        }
      }
      out[storage] = samples;
    } finally {
      await targets.stop();
    }
  }
  return out;
}

/**
 * The Durable Object another region away (simulated, bench/workerd/src/rtt.ts): p50/p99 at a fixed rate
 * without and with leasing, against the same Worker with the object in-process, and the share of calls
 * that never waited on the round trip. A one-second warm-up at the same rate comes first (the first lease).
 */
async function roundTrip() {
  const rtts = quick ? [100] : RTT_MS;
  const names = [
    "sluice-basic",
    ...rtts.flatMap((ms) => [`sluice-rtt${ms}`, `sluice-lease-rtt${ms}`, `sluice-auto-rtt${ms}`]),
  ];
  console.log("\n== workerd Durable Object round trip (simulated)");
  const targets = await startWorkerd({ root, env, names, storage: "tmpfs" });
  try {
    const req = request(false);
    const url = (t) => `${t.url}/anthropic/v1/messages`;
    const stats = async (t) =>
      t.name === "sluice-basic" ? undefined : (await fetch(`${t.url}/_bench/rtt`)).json();
    const rows = {};
    for (const t of targets) {
      await fixedRate(url(t), { ...req, seconds: 1, rate: RTT_RATE });
      await stats(t); // reset the counters after the warm-up
      const latency = await fixedRate(url(t), { ...req, seconds: SECONDS, rate: RTT_RATE });
      rows[t.name] = { ...latency, ...(await stats(t)) };
      const r = rows[t.name];
      console.log(
        `  ${t.name.padEnd(20)} p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${r.calls ? `, ${r.calls - r.waited}/${r.calls} never waited` : ""}`,
      );
    }
    return { rate: RTT_RATE, lease: RTT_LEASE, rtts, rows };
  } finally {
    await targets.stop();
  }
}

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

function ratio(a, b) {
  return Number.isFinite(a / b) ? (a / b).toFixed(2) : "–";
}

/** Node, Deno and edge-runtime: the same tables as workerd's, against each runtime's own bare passthrough. */
function otherLongStreamSections(data) {
  const SERVERS = {
    Node: ["`@hono/node-server`", "core with in-memory stores"],
    Deno: ["`Deno.serve`", "`@sluice/deno`, the limiter in Deno KV in memory"],
    "edge-runtime": [
      "edge-runtime's `runServer` around one EdgeRuntime VM",
      "`@sluice/vercel`'s `createHandler`, bundled for the edge conditions, in-memory counters",
    ],
  };
  if (!data) return [];
  if (data.error) return ["## Long streams (Node, Deno)", "", `Not measured: ${data.error}.`, ""];
  const FLOORS = {
    Deno: [
      "Floors: **floor-pull** serves the body from a JS byte stream whose `pull()` reads and enqueues one",
      "upstream chunk, **floor-pipe** pipes it through an empty `TransformStream` (no parsing in either: the",
      "least any design that hands each chunk to JavaScript pays in Deno).",
    ],
  };
  return Object.entries(data).flatMap(([runtime, result]) =>
    longStreamSection(result, {
      heading: `## Long streams (${runtime}, one process per target)`,
      intro: [
        `The same streams against ${runtime}'s own bare passthrough (fetch, key swapped, body returned as is) on the`,
        `same server: ${SERVERS[runtime]?.[0]}. **sluice-basic** is auth + rate limit + metrics (${SERVERS[runtime]?.[1]}).`,
        ...(FLOORS[runtime] ?? []),
      ],
      floor: FLOORS[runtime] ? "floor-pull" : "floor-pump",
    }),
  );
}

function longStreamSection(data, custom) {
  if (!data) return [];
  if (data.error)
    return [custom?.heading ?? "## Long streams (workerd)", "", `Not measured: ${data.error}.`, ""];
  const floor = custom?.floor ?? "floor-pump";
  const workerdText = [
    "## Long streams (workerd, one process per target)",
    "",
    "Anthropic streams of 200 and 1,000 events, one TCP write per event, 8 connections. CPU is the target's own",
    'workerd process\'s CPU time divided by the events it served; "µs/event above bare" is the difference to',
    "the bare passthrough measured in the same run. Floors: **floor-pump** is a JS loop moving every chunk",
    "into an `IdentityTransformStream` (no parsing: the least any design that hands each chunk to JS pays);",
    "**floor-pull** serves a JS byte stream whose `pull()` reads one chunk (the shape Sluice's tap had before",
    "it pumped into the runtime's stream);",
    "**floor-tee** is the runtime's `tee()` with the second branch read by `readAtLeast(16 KB)` (cheap, but it",
    "delays the client: see the dripping-stream column); **floor-teepacedpipe** is the native path's shape",
    "without Sluice: `tee()`, the second branch read by `readAtLeast(1)` with a 5 ms pause after a short read,",
    "the first piped into an `IdentityTransformStream` that stays open so an error event can follow a break;",
    "**sluice-plain** is `createWorker()` without a rate",
    "limit or metrics (every chunk read by Sluice, pumped into an `IdentityTransformStream`); **sluice-native**",
    "is the same with `nativeStreams: true`; **sluice-byok** the same as sluice-plain with callers bringing",
    'their own provider key (the default `nativeStreams: "byok"` puts their streams on the native path);',
    "**sluice-resume** with `streamResumption: true`; **sluice-basic** adds the Durable Object limiter and metrics.",
    'Rows "1000 (OpenAI)" are OpenAI Chat Completions streams of 1,000 chunks asking for usage',
    '(`stream_options.include_usage`, as the Vercel AI SDK sends it), so every chunk carries `"usage": null`.',
    "",
  ];
  const lines = [
    ...(custom ? [custom.heading, "", ...custom.intro, ""] : workerdText),
    `| events | target | streams/s | × bare | CPU ms/stream | µs/event | µs/event above bare | × ${floor} CPU |`,
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const [events, samples] of Object.entries(data.streams)) {
    const med = (name, key) => median(samples[name].map((x) => x[key]));
    for (const name of Object.keys(samples)) {
      const us = med(name, "cpuUsPerEvent");
      lines.push(
        `| ${events} | ${name} | ${med(name, "rps").toFixed(1)} | ${ratio(med(name, "rps"), med("bare", "rps"))} | ${med(name, "cpuMsPerStream").toFixed(2)} | ${us.toFixed(1)} | ${name === "bare" ? "–" : (us - med("bare", "cpuUsPerEvent")).toFixed(1)} | ${samples[floor] ? ratio(us, med(floor, "cpuUsPerEvent")) : "–"} |`,
      );
    }
  }
  lines.push(
    "",
    "Time to first byte, and to the first token (the first `content_block_delta`), of a dripping stream (the",
    "preamble at once, then 5 events 50 ms apart; median of sequential requests). Sluice holds an Anthropic",
    "stream's preamble until its first content event (`upstream.holdPreambleMs`, default 2000), so an",
    "`overloaded_error` before any content can be retried invisibly: that moves the first byte to the first",
    "token and costs the first token nothing. **sluice-nohold** is sluice-plain with `holdPreambleMs: 0`,",
    "**sluice-resume** sluice-plain with `streamResumption: true`.",
    "",
    "| target | first byte ms | × bare | first token ms | × bare |",
    "|---|---|---|---|---|",
    ...Object.entries(data.firstByte).map(
      ([name, ms]) =>
        `| ${name} | ${ms.toFixed(1)} | ${ratio(ms, data.firstByte.bare)} | ${data.firstToken?.[name]?.toFixed(1) ?? "–"} | ${data.firstToken ? ratio(data.firstToken[name], data.firstToken.bare) : "–"} |`,
    ),
    "",
  );
  return lines;
}

function doStorageSection(data) {
  if (!data) return [];
  if (data.error) return ["## Durable Object storage (workerd)", "", `Not measured: ${data.error}.`, ""];
  const lines = [
    "## Durable Object path: storage on tmpfs and on disk (workerd, non-streamed)",
    "",
    "**floor-do** makes one RPC to a SQLite-backed Durable Object doing one upsert, then forwards like bare: the",
    "least a strongly consistent per-request limiter can cost. **sluice-basic** is the default configuration",
    '(auth, the Durable Object limiter with leasing `"auto"`, metrics); **sluice-direct** the same with',
    "`limits.lease: false` (one take per call); **sluice-nolimit** without the limiter (metrics on);",
    "**sluice-lease** with leasing of 16 tokens, **sluice-lease64** of 64 (wrk keeps 32 connections open).",
    '"limiter calls/req" counts the Durable Object takes (renewals and direct takes) per provider call.',
    "",
    "| storage | target | req/s | × bare | × floor-do | CPU ms/req | limiter calls/req |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const [storage, samples] of Object.entries(data)) {
    const rps = (name) => (samples[name] ? median(samples[name].map((x) => x.rps)) : Number.NaN);
    const calls = (name) => {
      const counted = samples[name].map((x) => x.storeCallsPerRequest).filter((x) => x !== undefined);
      return counted.length ? median(counted).toFixed(3) : "–";
    };
    for (const name of Object.keys(samples)) {
      lines.push(
        `| ${storage} | ${name} | ${rps(name).toFixed(0)} | ${ratio(rps(name), rps("bare"))} | ${ratio(rps(name), rps("floor-do"))} | ${median(samples[name].map((x) => x.cpuMsPerRequest)).toFixed(3)} | ${calls(name)} |`,
      );
    }
  }
  lines.push("");
  return lines;
}

function roundTripSection(data) {
  if (!data) return [];
  if (data.error) return ["## Durable Object round trip (simulated)", "", `Not measured: ${data.error}.`, ""];
  const base = data.rows["sluice-basic"];
  const lines = [
    "## Durable Object round trip (simulated, workerd, non-streamed)",
    "",
    "In production a key's Durable Object lives in one place; a call from another continent pays 50–150 ms on",
    "every request the limiter sends there. Here every RPC to the limiter's namespace is delayed by the round",
    "trip (half each way; `bench/workerd/src/rtt.ts`, a bench-only wrapper). Open-loop " +
      `${data.rate} req/s after a one-second`,
    "warm-up; **sluice-rttN** is sluice-basic with the object N ms away and `limits.lease: false` (one take per",
    `call), **sluice-lease-rttN** the same with \`limits.lease: { size: ${data.lease} }\`, **sluice-auto-rttN** with the`,
    'default (`size: "auto"`); "added" is against sluice-basic with the object in-process (same run).',
    '"Never waited" counts calls whose handler took less than the round trip (measured inside the Worker; a',
    "slow upstream counts as waited, so it errs low).",
    "",
    "| round trip | target | p50 ms | p99 ms | p50 added ms | p99 added ms | calls that never waited |",
    "|---|---|---|---|---|---|---|",
    `| 0 | sluice-basic | ${base.p50.toFixed(1)} | ${base.p99.toFixed(1)} | – | – | – |`,
  ];
  for (const ms of data.rtts) {
    for (const name of [`sluice-rtt${ms}`, `sluice-lease-rtt${ms}`, `sluice-auto-rtt${ms}`]) {
      const x = data.rows[name];
      if (!x) continue; // results from before the auto target existed
      const share = x.calls
        ? `${(((x.calls - x.waited) / x.calls) * 100).toFixed(1)}% (${x.calls - x.waited}/${x.calls})`
        : "–";
      lines.push(
        `| ${ms} | ${name} | ${x.p50.toFixed(1)} | ${x.p99.toFixed(1)} | ${(x.p50 - base.p50).toFixed(1)} | ${(x.p99 - base.p99).toFixed(1)} | ${share} |`,
      );
    }
  }
  lines.push(
    "",
    "A lease's size trades fairness across regions against latency: each location holds up to `size` tokens",
    "that other locations cannot use until they are spent or given back (`ttlMs` after the last renewal). See",
    "[bench/README.md](../bench/README.md#leasing-fairness-against-latency) for how to size it.",
    "",
  );
  return lines;
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
    ...(r.quick
      ? [
          "This run was quick mode on a machine loaded by other jobs at the same time: read every figure as",
          "indicative (the ratios move by tens of percent between runs).",
        ]
      : []),
    ...Object.entries(r.refreshed ?? {}).map(
      ([section, date]) => `Rerun on its own (\`--only … --update\`) on ${date}: the \`${section}\` section.`,
    ),
    "How to read these numbers, and what the attribution runs showed: [bench/README.md](../bench/README.md).",
    "",
    "Targets: **sluice-basic** = auth + rate limit + metrics, in the default configuration; **sluice-full** =",
    "everything on (plus CORS and the response cache consulted and written on every call); **sluice-lease**",
    "(workerd only) = sluice-basic with a fixed lease of 16 tokens per Durable Object round trip. On Node the rate",
    "limit uses the in-memory store; on workerd it is the SQLite-backed Durable Object on local disk, with the",
    'default leasing (`size: "auto"`: one round trip per call until a key\'s calls pile up behind the object,',
    "then up to 1/16 of the bucket per round trip). Standalone workerd has no Analytics Engine or KV service: the",
    "metric point goes through the real Analytics Engine mapping into a no-op dataset, and sluice-full's cache is",
    "in isolate memory.",
    "",
  ];
  for (const [runtime, data] of Object.entries(r.runtimes)) {
    lines.push(`## ${runtime}`, "");
    if (data.skipped) {
      lines.push(`Not measured: ${data.skipped}.`, "");
      continue;
    }
    lines.push(
      "| scenario | target | req/s (median) | × bare | × floor | CPU ms/req | p50 ms | p99 ms | p50 added ms | TTFB ms | TTFB × bare |",
      "|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const [kind, d] of Object.entries(data)) {
      const bare = median(d.samples.bare.map((s) => s.rps));
      // The floor for the shape of work: one Durable Object write per request (JSON), a JS pump (streams).
      const floorName = kind === "json" ? "floor-do" : "floor-pump";
      const floor = d.samples[floorName] ? median(d.samples[floorName].map((s) => s.rps)) : undefined;
      for (const [target, samples] of Object.entries(d.samples)) {
        const rps = median(samples.map((s) => s.rps));
        const cpu = median(samples.map((s) => s.cpuMsPerRequest));
        const lat = d.latency[target];
        const added = lat.p50 - d.latency.bare.p50;
        const tt = d.firstByte[target];
        const ttRatio = tt !== undefined ? tt / d.firstByte.bare : undefined;
        const vsFloor =
          floor && target.startsWith("sluice") ? `${(rps / floor).toFixed(2)} (${floorName})` : "–";
        lines.push(
          `| ${kind} | ${target} | ${rps.toFixed(0)} | ${(rps / bare).toFixed(2)} | ${vsFloor} | ${cpu.toFixed(3)} | ${lat.p50.toFixed(2)} | ${lat.p99.toFixed(2)} | ${target === "bare" ? "–" : added.toFixed(2)} | ${tt?.toFixed(2) ?? "–"} | ${ttRatio?.toFixed(2) ?? "–"} |`,
        );
        if (target.startsWith("sluice")) {
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
      "Durable Object round trips per request: **one** `take` RPC per call while a key's calls come one at a time (the bucket lives in the DO; nothing is cached that could over-admit). Once calls pile up behind the object, the default leasing (`size: \"auto\"`) takes up to 1/16 of the bucket (at most 64) per round trip; tokens are only ever admitted after the object handed them out. A key this isolate has seen denied is answered from memory until its bucket can have refilled (with leasing, at most a lease's TTL): zero round trips. The check above runs in that default configuration.",
      "",
      "With leasing on, the same 1,000 concurrent calls spread over two isolates (two Worker services on one Durable Object namespace) are a test, not a benchmark: `packages/cloudflare/test/lease-isolates.test.ts` admits at most the bucket during the burst and exactly the bucket once the leases expire.",
      "",
    );
  }
  const m = r.memory;
  const w = r.workerdMemory;
  const mb = (kb) => (kb / 1024).toFixed(1);
  // Older saved results have no 300 MB leg.
  // Each row against bare measured the same way (a capped heap's rows against bare's with it).
  const bareOf = (name) => (name.endsWith(" (heap capped)") ? "bare (heap capped)" : "bare");
  const more = (x) => (x.after400MB ? `${mb(x.after400MB - x.after1MB)} MB` : "–");
  lines.push(
    ...longStreamSection(r.longStreams),
    ...otherLongStreamSections(r.otherLongStreams),
    ...doStorageSection(r.doStorage),
    ...roundTripSection(r.roundTrip),
  );
  lines.push(
    "## Memory",
    "",
    "Peak RSS of the server process (after one 10 MB warm-up stream) after a 1 MB stream, then after a 100 MB",
    'stream, then after a 300 MB one ("growth to 400 MB": from after 1 MB; memory that is flat stays near the',
    "100 MB figure, memory that grows with a stream's length does not). In workerd each target runs in its own",
    'fresh process. Rows "(heap capped)" run again with V8\'s heap capped (`--max-old-space-size=32',
    "--max-semi-space-size=1`, well below a Worker's 128 MB isolate limit; standalone workerd sets none): the",
    "JavaScript heap's garbage can then add only so much, so what still grows is memory held outside it.",
    "",
    "| runtime | target | after 1 MB | after 100 MB | growth | growth − bare's | growth to 400 MB |",
    "|---|---|---|---|---|---|---|",
    `| Node | sluice-basic | ${mb(m.after1MB)} MB | ${mb(m.after100MB)} MB | ${mb(m.growthKb)} MB | ${mb(m.growthKb - m.bareGrowthKb)} MB (bare: ${mb(m.bareGrowthKb)} MB) | ${more(m)} |`,
    ...(w.error
      ? [`| workerd | – | not measured: ${w.error} | | | | |`]
      : Object.entries(w).map(([name, x]) =>
          x.error
            ? `| workerd | ${name} | not measured: ${x.error} | | | | |`
            : `| workerd | ${name} | ${mb(x.after1MB)} MB | ${mb(x.after100MB)} MB | ${mb(x.growthKb)} MB | ${bareOf(name) === name || !w[bareOf(name)]?.growthKb ? "–" : `${mb(x.growthKb - w[bareOf(name)].growthKb)} MB`} | ${more(x)} |`,
        )),
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
  const ls = r.longStreams;
  if (ls && !ls.error && ls.streams[1000]?.["sluice-plain"]) {
    const us = (name) => median(ls.streams[1000][name].map((x) => x.cpuUsPerEvent));
    const above = us("sluice-plain") - us("bare");
    rows.push({
      label: "workerd CPU µs/event above bare (1,000 events)",
      value: Math.max(0, above),
      target: 5,
      better: "lower",
      display: above.toFixed(1),
    });
    const tt = ls.firstByte["sluice-plain"] / ls.firstByte.bare;
    rows.push({
      label: "workerd dripping-stream TTFB × bare",
      value: tt,
      target: 1.1,
      better: "lower",
      display: tt.toFixed(2),
    });
  }
  const tmpfs = r.doStorage && !r.doStorage.error ? r.doStorage.tmpfs : undefined;
  if (tmpfs?.["sluice-basic"] && tmpfs["floor-do"]) {
    const rps = (name) => median(tmpfs[name].map((x) => x.rps));
    for (const [target, how] of [
      ["sluice-basic", 'default (leasing "auto", tmpfs)'],
      ["sluice-direct", "`lease: false` (one take per call, tmpfs)"],
    ]) {
      if (!tmpfs[target]) continue;
      rows.push({
        label: `workerd limiter, ${how} × one-RPC-one-write floor`,
        value: rps(target) / rps("floor-do"),
        target: 0.9,
        better: "higher",
        display: (rps(target) / rps("floor-do")).toFixed(2),
      });
    }
    // The same Worker without the limiter (metrics on); older results only have sluice-plain (metrics off).
    const reference = tmpfs["sluice-nolimit"] ? "sluice-nolimit" : "sluice-plain";
    for (const [target, size] of [
      ["sluice-lease", 16],
      ["sluice-lease64", 64],
    ]) {
      if (!tmpfs[target]) continue;
      rows.push({
        label: `workerd leasing ${size} (tmpfs, 32 connections) × no limiter`,
        value: rps(target) / rps(reference),
        target: 0.9,
        better: "higher",
        display: (rps(target) / rps(reference)).toFixed(2),
      });
    }
  }
  const rt = r.roundTrip && !r.roundTrip.error ? r.roundTrip : undefined;
  const leased = rt?.rows[`sluice-lease-rtt${rt.rtts.at(-1)}`];
  if (leased?.calls) {
    const share = (leased.calls - leased.waited) / leased.calls;
    rows.push({
      label: `workerd leasing: calls that never waited on a ${rt.rtts.at(-1)} ms round trip`,
      value: share,
      target: 0.95,
      better: "higher",
      display: `${(share * 100).toFixed(1)}%`,
    });
  }
  const wSluice = w.error ? undefined : w["sluice-basic"];
  if (wSluice && !wSluice.error) {
    rows.push({
      label: "workerd memory growth 1 MB → 100 MB stream (MB)",
      value: wSluice.growthKb / 1024,
      target: 5,
      better: "lower",
      display: (wSluice.growthKb / 1024).toFixed(1),
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
