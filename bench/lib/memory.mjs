// Peak RSS of a gateway process (after one 10 MB warm-up stream) after a 1 MB stream, then a 100 MB one, then
// a 300 MB one.
import { join } from "node:path";
import { drain } from "./latency.mjs";
import { peakRssKb } from "./proc.mjs";
import { freePort, start } from "./spawn.mjs";

async function growth(root, file, env, request) {
  const port = await freePort();
  const server = await start("node", [join(root, "bench/servers", file)], {
    env: { ...env, MODE: "basic", PORT: String(port) },
  });
  return measure(server, `http://127.0.0.1:${port}/anthropic/v1/messages`, request);
}

/** Peak RSS of `server`'s process after a 10 MB warm-up, then after a 1 MB and a 100 MB stream through `url`. */
async function measure(server, url, request) {
  const send = (bytes) =>
    drain(url, { body: request.body, headers: { ...request.headers, "x-fake-fault": `huge=${bytes}` } });
  // Warm up first: V8 grows its young generation to a steady size under allocation pressure, once.
  await send(10 * 1024 * 1024);
  await send(1024 * 1024);
  const after1MB = peakRssKb(server.child.pid);
  const bytes = await send(100 * 1024 * 1024);
  const after100MB = peakRssKb(server.child.pid);
  // Then 300 MB more: flat memory stays where it was; memory that grows with a stream's length shows here.
  const more = await send(300 * 1024 * 1024);
  const after400MB = peakRssKb(server.child.pid);
  await server.stop();
  if (bytes < 100 * 1024 * 1024) throw new Error(`the 100 MB stream delivered only ${bytes} bytes`);
  if (more < 300 * 1024 * 1024) throw new Error(`the 300 MB stream delivered only ${more} bytes`);
  return { after1MB, after100MB, growthKb: after100MB - after1MB, after400MB };
}

export async function memoryCheck({ root, env, request }) {
  const sluice = await growth(root, "node-sluice.mjs", env, request);
  const bare = await growth(root, "node-bare.mjs", env, request);
  return { ...sluice, bareGrowthKb: bare.growthKb };
}

/**
 * A V8 heap capped well below a Worker's 128 MB isolate limit: what the JavaScript heap's garbage can add to
 * peak RSS is then bounded, so what still grows is memory held outside it (or held on to).
 */
export const CAPPED_HEAP = ["--max-old-space-size=32", "--max-semi-space-size=1"];
/** The targets measured a second time with the capped heap (those present in the run). */
const CAPPED_TARGETS = [
  "bare",
  "floor-pump",
  "sluice-plain",
  "sluice-resume",
  "sluice-native",
  "sluice-basic",
  "sluice-native-basic",
];

/**
 * The same in standalone workerd: a fresh workerd process per target, so each peak is that target's alone.
 * Then again with the heap capped (`CAPPED_HEAP`), as "<target> (heap capped)". Returns
 * { [target]: { after1MB, after100MB, growthKb, after400MB } }.
 */
export async function workerdMemoryCheck({ root, env, request, startWorkerd, names }) {
  const out = {};
  const runs = [
    ...names.map((name) => ({ name, key: name })),
    ...names
      .filter((name) => CAPPED_TARGETS.includes(name))
      .map((name) => ({ name, key: `${name} (heap capped)`, v8Flags: CAPPED_HEAP })),
  ];
  for (const { name, key, v8Flags } of runs) {
    const targets = await startWorkerd({ root, env, names: [name], v8Flags });
    const target = targets[0];
    try {
      out[key] = await measure(
        { child: { pid: target.pid }, stop: targets.stop },
        `${target.url}/anthropic/v1/messages`,
        request,
      );
    } catch (error) {
      await targets.stop();
      out[key] = { error: error.message };
    }
  }
  return out;
}
