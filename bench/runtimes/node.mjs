// Node targets: the bare passthrough and Sluice, each in its own process on the same server library.
import { join } from "node:path";
import { freePort, start } from "../lib/spawn.mjs";

export async function startNodeTargets({ root, env }) {
  const specs = [
    ["bare", "node-bare.mjs", {}],
    ["sluice-basic", "node-sluice.mjs", { MODE: "basic" }],
    ["sluice-full", "node-sluice.mjs", { MODE: "full" }],
  ];
  const targets = [];
  for (const [name, file, extra] of specs) {
    const port = await freePort();
    const server = await start("node", [join(root, "bench/servers", file)], {
      env: { ...env, ...extra, PORT: String(port) },
    });
    targets.push({ name, url: `http://127.0.0.1:${port}`, pid: server.child.pid, stop: server.stop });
  }
  return targets;
}
