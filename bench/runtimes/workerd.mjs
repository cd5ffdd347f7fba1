// workerd targets, standalone (`workerd serve`, not `wrangler dev`): the bare passthrough Worker and the
// Sluice Worker as `wrangler deploy --dry-run --outdir` bundles it, its Durable Objects on local disk.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import workerd from "workerd";

// The CommonJS module's default export is the binary's path (ESM import sees it under `default`).
const workerdBinary = typeof workerd === "string" ? workerd : workerd.default;
import { freePort, spawnServer } from "../lib/spawn.mjs";

const COMPATIBILITY_DATE = "2026-10-01";
/** The limiter check: a bucket of this many requests that does not refill within the run. */
export const LIMITED = 100;
const str = (value) => JSON.stringify(String(value));

/** Bundles the Sluice bench Worker exactly as a deploy would, into `dir`. */
export function bundleSluiceWorker(root, dir) {
  execFileSync(join(root, "bench/node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", dir], {
    cwd: join(root, "bench/workerd"),
    stdio: "pipe",
  });
  return join(dir, "sluice.js");
}

function worker(name, module, bindings, extra = "") {
  return `const ${name} :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${str(module)})],
  compatibilityDate = ${str(COMPATIBILITY_DATE)},
  bindings = [${bindings.join(", ")}],
  globalOutbound = "loopback",${extra}
);`;
}

export function workerdConfig({ dir, ports, env }) {
  const text = (name, value) => `(name = ${str(name)}, text = ${str(value)})`;
  const common = [
    text("ANTHROPIC_API_KEY", env.PROVIDER_KEY),
    text("ANTHROPIC_BASE_URL", env.UPSTREAM_ANTHROPIC),
  ];
  const sluiceBindings = (m, rate = "1000000000/60s", extra = []) => [
    ...common,
    ...extra,
    text("SLUICE_KEYS", env.CLIENT_KEY),
    text("SLUICE_RATE_LIMIT", rate),
    text("BENCH_MODE", m),
    `(name = "RATE_LIMITER", durableObjectNamespace = (className = "SluiceRateLimiter"))`,
  ];
  const durable = `
  durableObjectNamespaces = [(className = "SluiceRateLimiter", uniqueKey = "sluice-bench-rate-limiter", enableSql = true)],
  durableObjectStorage = (localDisk = "do-disk"),`;
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "bare", worker = .bareWorker),
    (name = "sluice-basic", worker = .sluiceBasic),
    (name = "sluice-full", worker = .sluiceFull),
    (name = "sluice-lease", worker = .sluiceLease),
    (name = "sluice-limited", worker = .sluiceLimited),
    (name = "loopback", network = (allow = ["local", "private", "public"])),
    (name = "do-disk", disk = (path = ${str(join(dir, "do"))}, writable = true)),
  ],
  sockets = [
    (name = "bare", address = "127.0.0.1:${ports.bare}", http = (), service = "bare"),
    (name = "sluice-basic", address = "127.0.0.1:${ports["sluice-basic"]}", http = (), service = "sluice-basic"),
    (name = "sluice-full", address = "127.0.0.1:${ports["sluice-full"]}", http = (), service = "sluice-full"),
    (name = "sluice-lease", address = "127.0.0.1:${ports["sluice-lease"]}", http = (), service = "sluice-lease"),
    (name = "sluice-limited", address = "127.0.0.1:${ports["sluice-limited"]}", http = (), service = "sluice-limited"),
  ],
);

${worker("bareWorker", "bare.js", common)}
${worker("sluiceBasic", "sluice.js", sluiceBindings("basic"), durable)}
${worker("sluiceFull", "sluice.js", sluiceBindings("full"), durable.replace("sluice-bench-rate-limiter", "sluice-bench-rate-limiter-full"))}
${worker("sluiceLease", "sluice.js", sluiceBindings("basic", undefined, [text("BENCH_LEASE", "16")]), durable.replace("sluice-bench-rate-limiter", "sluice-bench-rate-limiter-lease"))}
${worker("sluiceLimited", "sluice.js", sluiceBindings("basic", `${LIMITED}/86400s`), durable.replace("sluice-bench-rate-limiter", "sluice-bench-rate-limiter-limited"))}
`;
}

export async function startWorkerdTargets({ root, env }) {
  const dir = mkdtempSync(join(tmpdir(), "sluice-workerd-"));
  mkdirSync(join(dir, "do"));
  copyFileSync(bundleSluiceWorker(root, join(dir, "bundle")), join(dir, "sluice.js"));
  copyFileSync(join(root, "bench/workerd/src/bare.js"), join(dir, "bare.js"));
  const ports = {
    bare: await freePort(),
    "sluice-basic": await freePort(),
    "sluice-full": await freePort(),
    "sluice-lease": await freePort(),
    "sluice-limited": await freePort(),
  };
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(dir, "config.capnp"), workerdConfig({ dir, ports, env }));
  const server = spawnServer(workerdBinary, ["serve", join(dir, "config.capnp")], dir);
  await waitForPort(ports.bare);
  const limited = `http://127.0.0.1:${ports["sluice-limited"]}`;
  delete ports["sluice-limited"];
  const targets = Object.entries(ports).map(([name, port]) => ({
    name,
    url: `http://127.0.0.1:${port}`,
    // One workerd process serves all three; CPU per request is measured on it while only one target is loaded.
    pid: server.child.pid,
    stop: name === "bare" ? server.stop : async () => {},
  }));
  targets.limiter = { url: limited, capacity: LIMITED };
  return targets;
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`workerd is not listening on ${port}`);
}
