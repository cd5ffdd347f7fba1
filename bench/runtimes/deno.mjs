// Deno targets: the bare passthrough and Sluice (@sluice/deno, KV in memory), each in its own `deno run`
// process, with the Deno binary the workspace tests use (the `deno` npm package in packages/deno).
import { join } from "node:path";
import { freePort, start } from "../lib/spawn.mjs";

export async function startDenoTargets({ root, env }) {
  const deno = join(root, "packages/deno/node_modules/deno/deno");
  const specs = [
    ["bare", "deno-bare.ts"],
    ["floor-pull", "deno-bare.ts", { FLOOR: "pull" }],
    ["floor-pipe", "deno-bare.ts", { FLOOR: "pipe" }],
    ["sluice-basic", "deno-sluice.ts"],
  ];
  const targets = [];
  for (const [name, file, extra = {}] of specs) {
    const port = await freePort();
    const args = [
      "run",
      "--quiet",
      "--config",
      join(root, "packages/deno/deno.json"),
      "--allow-env",
      "--allow-net",
    ];
    const server = await start(deno, [...args, join(root, "bench/servers", file)], {
      env: { ...env, ...extra, PORT: String(port) },
    });
    targets.push({ name, url: `http://127.0.0.1:${port}`, pid: server.child.pid, stop: server.stop });
  }
  return targets;
}
