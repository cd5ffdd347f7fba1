// Part 3: a bounded soak through the Cloudflare example under `wrangler dev` (workerd, local Durable Object
// rate limiter, KV cache, R2 request log, Analytics Engine), the fake upstream behind it, all on loopback.
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { startWranglerDev } from "@sluice/example-cloudflare-worker/scripts/local.mjs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findWranglerGroup, median, sampleMemory, slope } from "../src/proc.js";
import { saveSection, table } from "../src/report.js";
import { type Answer, SOAK_CALLS, limiterProblem, runBaseline, runSoak } from "../src/soak.js";

const SECONDS = Number(process.env.SLUICE_SOAK_SECONDS ?? 15);
const WORKERS = 32;
/**
 * Per key for the whole run: one request per key-second. The window is a day, so a key refills by
 * T²/86400 tokens (< 1 for T < 294 s) during the soak. (10 per key-second would never be reached here: see
 * the report; the limiter must bite for its counts to mean anything.)
 */
const LIMIT = SECONDS;
const WINDOW_SECONDS = 86_400;
/** Seconds of the /healthz baseline that measures wrangler dev's own memory growth per request. */
const BASELINE_SECONDS = 5;
/** The soak's RSS growth per request may be at most this many times the baseline's (see the report for why). */
const GROWTH_BOUND = 5;
const KEYS = Array.from({ length: WORKERS }, (_, w) => `sk-sluice-soak-${String(w).padStart(2, "0")}`);

let fake: FakeUpstream;
let dev: Awaited<ReturnType<typeof startWranglerDev>>;

beforeAll(async () => {
  fake = await startFakeUpstream({ maxRecords: 1_000 });
  dev = await startWranglerDev({
    secrets: {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      OPENAI_API_KEY: FAKE_KEYS.openai,
      SLUICE_KEYS: KEYS.join(","),
    },
    vars: {
      ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
      OPENAI_BASE_URL: fake.baseUrls.openai,
      SLUICE_RATE_LIMIT: `${LIMIT}/${WINDOW_SECONDS}s`,
    },
  });
});

afterAll(async () => {
  await dev?.stop();
  await fake?.close();
});

test(
  `soak: ${WORKERS} workers for ${SECONDS} s through wrangler dev`,
  async () => {
    const group = findWranglerGroup(Number(new URL(dev.url).port));
    expect(group, "wrangler's process group").toBeDefined();
    let answered = 0;
    const count = () => answered++;

    const baselineMemory = sampleMemory(group!, () => answered);
    const baselineProblems = await runBaseline(dev.url, WORKERS, BASELINE_SECONDS, count);
    const baseline = baselineMemory.stop();
    const baselineRequests = answered;

    answered = 0;
    const memory = sampleMemory(group!, () => answered);
    const { perKey, elapsedMs } = await runSoak({
      url: dev.url,
      keys: KEYS,
      seconds: SECONDS,
      onAnswer: count,
    });
    const samples = memory.stop();
    expect((await fetch(`${dev.url}/healthz`)).status).toBe(200);

    const all = perKey.flat();
    const failed = all.filter((a) => a.problem);
    const limiter = perKey.flatMap((answers, w) => {
      const problem = limiterProblem(answers, LIMIT);
      return problem ? [`${KEYS[w]}: ${problem}`] : [];
    });
    const exhausted = perKey.filter((a) => a.length > LIMIT).length;
    const third = Math.floor(samples.length / 3);
    const first = median(samples.slice(0, third).map((s) => s.workerd));
    const last = median(samples.slice(-third).map((s) => s.workerd));
    const perRequest = (list: typeof samples) =>
      slope(
        list.map((s) => s.answered),
        list.map((s) => s.workerd),
      );
    const soakSlope = perRequest(samples);
    const baselineSlope = perRequest(baseline);
    const ratio = soakSlope / baselineSlope;
    const workerdPids = [...new Set(samples.flatMap((s) => s.workerdPids))];

    const n = (pred: (a: Answer) => boolean) => all.filter(pred).length;
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const kb = (bytes: number) => (bytes / 1024).toFixed(1);
    const perThird = [0, 1, 2].map((t) => {
      const inThird = all.filter((a) => a.atMs >= (t * elapsedMs) / 3 && a.atMs < ((t + 1) * elapsedMs) / 3);
      return `${inThird.length} (${inThird.filter((a) => a.status === 200).length} × 200)`;
    });
    saveSection("3-soak", {
      order: 3,
      title: "Load: a bounded soak through the Cloudflare example",
      markdown: [
        "`examples/cloudflare-worker` under `wrangler dev` (workerd with the local SQLite Durable Object rate limiter,",
        "KV cache, R2 request log and Analytics Engine, as in its wrangler.toml), the fake upstream behind it, everything",
        `on 127.0.0.1. **${WORKERS} workers** for **${SECONDS} s** (\`SLUICE_SOAK_SECONDS\`; CI runs 15, \`test:full\` 60), each with its own`,
        "client key, each sending one request after another with plain `fetch` in the providers' wire format, cycling",
        `through ${SOAK_CALLS.map((c) => c.name).join(", ")} (every body unique, so no cache hits). Before it, a`,
        `${BASELINE_SECONDS} s baseline: the same ${WORKERS} workers on \`GET /healthz\`, which Sluice answers before any middleware.`,
        "",
        table(
          ["measure", "result", "asserted"],
          [
            [
              "requests",
              `${all.length} in ${(elapsedMs / 1000).toFixed(1)} s (${((all.length * 1000) / elapsedMs).toFixed(0)}/s)`,
              "",
            ],
            [
              "answers",
              `${n((a) => a.status === 200)} × 200 (${n((a) => a.status === 200 && a.call.endsWith("stream"))} streamed), ${n((a) => a.status === 429)} × 429`,
              "",
            ],
            [
              "failed requests",
              `**${failed.length}** (baseline: ${baselineProblems.length} of ${baselineRequests})`,
              "0: every 200 carries the exact reply (streams end with message_stop / [DONE]), every 429 is the provider's error JSON",
            ],
            [
              "limiter",
              `${LIMIT}/${WINDOW_SECONDS}s per key; ${exhausted} of ${WORKERS} keys sent more than ${LIMIT}; **${WORKERS - limiter.length} of ${WORKERS} keys exact**`,
              `each key: exactly min(${LIMIT}, sent) × 200, and they are its first answers; at least one key over its limit`,
            ],
            ["answers per third of the run", perThird.join(", "), ""],
            [
              "workerd RSS, median of first → last third",
              `${mb(first)} → ${mb(last)} MB (${((last / first - 1) * 100).toFixed(1)} %), ${samples.length} samples, ${workerdPids.length} workerd process(es)`,
              "reported (see below)",
            ],
            [
              "workerd RSS growth per answered request",
              `soak **${kb(soakSlope)} KB**, /healthz baseline ${kb(baselineSlope)} KB (${baselineRequests} requests): **${ratio.toFixed(2)}×**`,
              `≤ ${GROWTH_BOUND}× the baseline`,
            ],
          ],
        ),
        "",
        "Memory is the summed VmRSS of the workerd processes in wrangler's process group, read from /proc once a second.",
        "Under `wrangler dev`, workerd's RSS grows with every request whatever the Worker does: measured here, ~45–60 KB",
        "per `GET /healthz` (answered before any Sluice middleware), with and without `[observability]`, and 170 MB+ over",
        'a 30 s run of nothing but /healthz; it did not level off within 60 s. So "last third within x % of the first"',
        "cannot hold for any Worker under `wrangler dev`, and the suite compares like with like instead: the growth per",
        "answered request (least-squares slope of RSS over requests answered) in the soak against the same slope for the",
        `/healthz baseline in the same workerd. A bound of ${GROWTH_BOUND}× leaves room for what a real call adds to \`wrangler dev\`'s`,
        "per-request bookkeeping (a Durable Object call, a KV write, an upstream fetch and R2 log writes are each traced),",
        "while a leak several times the platform's own per-request cost would cross it. Measured while choosing it: 1.06×",
        "when most answers were cheap 429s, 3.11× when most were full 200 calls. A smaller leak (a few KB per request)",
        "is below what this soak can see under `wrangler dev`.",
        "",
        `workerd RSS each second of the soak (MB): ${samples.map((s) => mb(s.workerd)).join(", ")}.`,
        "",
        ...failed.slice(0, 20).map((a) => `- FAILED ${a.call} (${a.status}): ${a.problem}`),
        ...limiter.map((l) => `- LIMITER ${l}`),
      ].join("\n"),
    });

    expect(baselineProblems.slice(0, 10)).toEqual([]);
    expect(failed.map((a) => `${a.call} ${a.status}: ${a.problem}`).slice(0, 10)).toEqual([]);
    expect(limiter).toEqual([]);
    // Otherwise the limiter check above would hold without a single 429 being owed.
    expect(exhausted, "keys that sent more than their limit").toBeGreaterThan(0);
    expect(ratio).toBeLessThanOrEqual(GROWTH_BOUND);
  },
  (BASELINE_SECONDS + SECONDS + 60) * 1_000,
);
