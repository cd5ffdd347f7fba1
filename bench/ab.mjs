// A/B of Sluice builds in workerd, non-streamed, Durable Object storage on tmpfs: one target served from two
// or more saved bundles, each in its own workerd process, loaded in turn (the order reversed every round) so
// drift on a shared machine hits every bundle alike. Prints CPU ms per request and req/s, median of the rounds.
//
//   node bench/ab.mjs --save /tmp/a.js                  bundle the current tree (after `pnpm build`)
//   node bench/ab.mjs /tmp/a.js,/tmp/b.js [rounds] [seconds] [target] [floor]
//   node bench/ab.mjs --events 1000 /tmp/a.js,/tmp/b.js 5 4 sluice-plain floor-pump
//                                                       streamed Anthropic calls of N events: CPU µs per event
//
// Defaults: 7 rounds of 4 s, target sluice-basic, floor floor-do (served beside the first bundle; "-": none).
// Run the same bundle twice (a.js,a.js copied) to see the noise: about ±10 µs per request here.
import { copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { anthropicRequest, CLIENT_KEY } from "./lib/request.mjs";
import { cpuSeconds } from "./lib/proc.mjs";
import { start } from "./lib/spawn.mjs";
import { wrk } from "./lib/wrk.mjs";
import { bundleSluiceWorker, startWorkerd } from "./runtimes/workerd.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const eventsAt = args.indexOf("--events");
const events = eventsAt >= 0 ? Number(args.splice(eventsAt, 2)[1]) : 0;
// Streams run on 8 connections, as the long-stream section does; non-streamed calls on wrk's 32.
const connections = events ? 8 : 32;
if (args[0] === "--save") {
  copyFileSync(bundleSluiceWorker(root), args[1]);
  console.log(`saved ${args[1]}`);
  process.exit(0);
}
const [list, rounds = "7", seconds = "4", target = "sluice-basic", floor = "floor-do"] = args;
if (!list)
  throw new Error("usage: node bench/ab.mjs <bundle>,<bundle>[,…] [rounds] [seconds] [target] [floor]");

const fake = await start("node", [join(root, "packages/fake-upstream/dist/cli.js"), "--port", "0"], {
  ready: /^\{.*\}$/m,
});
const { baseUrls } = JSON.parse(fake.match[0]);
const env = {
  UPSTREAM_ANTHROPIC: baseUrls.anthropic,
  PROVIDER_KEY: FAKE_KEYS.anthropic,
  UPSTREAM_OPENAI: baseUrls.openai,
  OPENAI_KEY: FAKE_KEYS.openai,
  CLIENT_KEY,
};
const runs = [];
const servers = [];
try {
  for (const [i, bundle] of list.split(",").entries()) {
    process.env.SLUICE_BENCH_BUNDLE = bundle;
    const names = i === 0 && floor !== "-" ? [target, floor] : [target];
    const targets = await startWorkerd({ root, env, names, storage: "tmpfs" });
    servers.push(targets);
    for (const t of targets) {
      const label = t.name === target ? `${i + 1}: ${bundle.split("/").pop()}` : t.name;
      runs.push({ label, url: `${t.url}/anthropic/v1/messages`, pid: t.pid, cpu: [], rps: [] });
    }
  }
  const request = events ? anthropicRequest(true, events) : anthropicRequest(false);
  for (const run of runs) await wrk(run.url, { ...request, seconds: 1, connections });
  for (let round = 0; round < Number(rounds); round++) {
    for (const run of round % 2 ? [...runs].reverse() : runs) {
      const before = cpuSeconds(run.pid);
      const result = await wrk(run.url, { ...request, seconds: Number(seconds), connections });
      run.cpu.push(((cpuSeconds(run.pid) - before) * 1000) / result.requests);
      run.rps.push(result.rps);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const run of runs) {
    // Per event for streams (µs), per request otherwise (ms).
    const per = events ? run.cpu.map((ms) => (ms * 1000) / events) : run.cpu;
    const unit = events ? "CPU µs/event" : "CPU ms/req";
    const all = per.map((x) => x.toFixed(events ? 1 : 3)).join(" ");
    console.log(
      `${run.label.padEnd(24)} ${unit} ${median(per).toFixed(events ? 1 : 3)} [${all}]  req/s ${median(run.rps).toFixed(0)}`,
    );
  }
} finally {
  for (const targets of servers) await targets.stop();
  await fake.stop();
}
