// `node bench/profile.mjs [target] [json|stream] [seconds]`: a V8 CPU profile of one workerd target under
// load, through workerd's inspector. Prints where the Worker's JavaScript time goes (self time by function
// and by file) and writes the whole profile to a .cpuprofile (open it in Chrome DevTools). Time the isolate
// spends outside JavaScript (the runtime's own streams, sockets, the Durable Object) shows as "(program)" and
// "(garbage collector)". Defaults: sluice-plain, json, 5 s.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { anthropicRequest, CLIENT_KEY } from "./lib/request.mjs";
import { freePort, start } from "./lib/spawn.mjs";
import { wrk } from "./lib/wrk.mjs";
import { startWorkerd } from "./runtimes/workerd.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [target = "sluice-plain", kind = "json", seconds = "5"] = process.argv.slice(2);

const fake = await start("node", [join(root, "packages/fake-upstream/dist/cli.js"), "--port", "0"], {
  ready: /^\{.*\}$/m,
});
const env = {
  UPSTREAM_ANTHROPIC: JSON.parse(fake.match[0]).baseUrls.anthropic,
  PROVIDER_KEY: FAKE_KEYS.anthropic,
  CLIENT_KEY,
};
const inspectorPort = await freePort();
const targets = await startWorkerd({ root, env, names: [target], storage: "tmpfs", inspectorPort });
const [server] = targets;
const stream = kind === "stream";
const request = anthropicRequest(stream, 200);
const url = `${server.url}/anthropic/v1/messages`;

try {
  await wrk(url, { ...request, seconds: 1 }); // warm up before profiling
  const list = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  const page = list.find((entry) => entry.webSocketDebuggerUrl?.includes(target)) ?? list[0];
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const waiting = new Map();
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    waiting.get(data.id)?.(data.result);
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  const load = await wrk(url, { ...request, seconds: Number(seconds) });
  const { profile } = await send("Profiler.stop");
  socket.close();
  const file = join(tmpdir(), `sluice-${target}-${kind}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  report(profile, load.requests);
  console.log(`\n${load.requests} requests; profile: ${file}`);
} finally {
  await targets.stop(); // the process; a target's own stop() is a no-op
  await fake.stop();
  process.exit(0);
}

/** Self time per function and per file, as a share of all samples and in µs per request. */
function report(profile, requests) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const sample of profile.samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
  const total = profile.samples.length;
  const totalUs = profile.endTime - profile.startTime;
  const byFunction = new Map();
  const byFile = new Map();
  for (const [nodeId, count] of counts) {
    const { callFrame } = byNode.get(nodeId);
    const file = callFrame.url ? callFrame.url.split("/").pop() : "";
    const name = `${callFrame.functionName || "(anonymous)"} ${file}:${callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + count);
    byFile.set(file || callFrame.functionName, (byFile.get(file || callFrame.functionName) ?? 0) + count);
  }
  const rows = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([name, count]) =>
          `  ${((100 * count) / total).toFixed(1).padStart(5)}%  ${((totalUs * count) / total / requests).toFixed(1).padStart(7)} µs/req  ${name}`,
      );
  console.log("By file (self time):");
  console.log(rows(byFile, 12).join("\n"));
  console.log("By function (self time):");
  console.log(rows(byFunction, 30).join("\n"));
}
