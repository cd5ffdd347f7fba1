// edge-runtime targets: the bare passthrough and Sluice (@sluice/vercel), each in its own Node process running
// one EdgeRuntime VM behind edge-runtime's own server (bench/servers/edge.mjs).
import { join } from "node:path";
import { freePort, start } from "../lib/spawn.mjs";

export async function startEdgeTargets({ root, env }) {
  const targets = [];
  for (const name of ["bare", "sluice-basic"]) {
    const port = await freePort();
    const server = await start("node", [join(root, "bench/servers/edge.mjs")], {
      env: { ...env, TARGET: name, PORT: String(port) },
    });
    targets.push({ name, url: `http://127.0.0.1:${port}`, pid: server.child.pid, stop: server.stop });
  }
  return targets;
}
