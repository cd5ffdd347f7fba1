// Peak RSS of a gateway process (after one 10 MB warm-up stream) after a 1 MB stream, then a 100 MB one.
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
  await server.stop();
  if (bytes < 100 * 1024 * 1024) throw new Error(`the 100 MB stream delivered only ${bytes} bytes`);
  return { after1MB, after100MB, growthKb: after100MB - after1MB };
}

export async function memoryCheck({ root, env, request }) {
  const sluice = await growth(root, "node-sluice.mjs", env, request);
  const bare = await growth(root, "node-bare.mjs", env, request);
  return { ...sluice, bareGrowthKb: bare.growthKb };
}

/**
 * The same in standalone workerd: a fresh workerd process per target, so each peak is that target's alone.
 * Returns { [target]: { after1MB, after100MB, growthKb } }.
 */
export async function workerdMemoryCheck({ root, env, request, startWorkerd, names }) {
  const out = {};
  for (const name of names) {
    const targets = await startWorkerd({ root, env, names: [name] });
    const target = targets[0];
    try {
      out[name] = await measure(
        { child: { pid: target.pid }, stop: targets.stop },
        `${target.url}/anthropic/v1/messages`,
        request,
      );
    } catch (error) {
      await targets.stop();
      out[name] = { error: error.message };
    }
  }
  return out;
}
