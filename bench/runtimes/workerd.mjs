// workerd targets, standalone (`workerd serve`, not `wrangler dev`): the bare passthrough Worker, the floors
// (bench/workerd/src/floors.js) and the Sluice Worker as `wrangler deploy --dry-run --outdir` bundles it,
// Durable Objects on local disk or on tmpfs. One process can serve several targets (throughput runs), or a
// single one (CPU per event and memory, so each process's counters are that target's alone).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import workerd from "workerd";

// The CommonJS module's default export is the binary's path (ESM import sees it under `default`).
const workerdBinary = typeof workerd === "string" ? workerd : workerd.default;
import { freePort, spawnServer } from "../lib/spawn.mjs";

const COMPATIBILITY_DATE = "2026-10-01";
/** The limiter check: a bucket of this many requests that does not refill within the run. */
export const LIMITED = 100;
/** Simulated round trips to the Durable Object (ms), and the lease size used against them. */
export const RTT_MS = [50, 100, 150];
export const RTT_LEASE = 16;
/** tmpfs, for Durable Object storage that never waits on a disk. */
const TMPFS = "/dev/shm";
const str = (value) => JSON.stringify(String(value));

/**
 * Bundles the Sluice bench Worker exactly as a deploy would, into `dir` (once per run). For an A/B of two
 * builds, `SLUICE_BENCH_BUNDLE=<a saved sluice.js>` serves that bundle instead (read at each start).
 */
let bundled;
export function bundleSluiceWorker(root) {
  if (process.env.SLUICE_BENCH_BUNDLE) return process.env.SLUICE_BENCH_BUNDLE;
  if (bundled) return bundled;
  const dir = mkdtempSync(join(tmpdir(), "sluice-bundle-"));
  execFileSync(join(root, "bench/node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", dir], {
    cwd: join(root, "bench/workerd"),
    stdio: "pipe",
  });
  bundled = join(dir, "sluice.js");
  return bundled;
}

/**
 * Every target the bench knows: its module, extra bindings, and its Durable Object class (if any).
 * sluice-plain is `createWorker()` with neither a rate limit nor metrics: the stream path alone;
 * sluice-native the same with `nativeStreams: true`; sluice-native-basic is sluice-basic with it.
 */
function targetSpecs(env) {
  const text = (name, value) => `(name = ${str(name)}, text = ${str(value)})`;
  const common = [
    text("ANTHROPIC_API_KEY", env.PROVIDER_KEY),
    text("ANTHROPIC_BASE_URL", env.UPSTREAM_ANTHROPIC),
    ...(env.UPSTREAM_OPENAI
      ? [text("OPENAI_API_KEY", env.OPENAI_KEY), text("OPENAI_BASE_URL", env.UPSTREAM_OPENAI)]
      : []),
  ];
  const limiter = `(name = "RATE_LIMITER", durableObjectNamespace = (className = "SluiceRateLimiter"))`;
  // `rate: false` leaves the limiter out. (An explicit `rate: undefined` takes the default, which is how
  // "plain" targets once ran with the Durable Object limiter on.)
  const sluice = (mode, { rate = "1000000000/60s", extra = [] } = {}) => ({
    module: "sluice.js",
    bindings: [
      ...common,
      ...extra,
      text("SLUICE_KEYS", env.CLIENT_KEY),
      text("BENCH_MODE", mode),
      ...(rate ? [text("SLUICE_RATE_LIMIT", rate), limiter] : []),
    ],
    durable: rate ? "SluiceRateLimiter" : undefined,
  });
  const floor = (kind) => ({
    module: "floors.js",
    bindings: [
      ...common,
      text("FLOOR", kind),
      ...(kind.startsWith("do")
        ? [`(name = "COUNTER", durableObjectNamespace = (className = "FloorCounter"))`]
        : []),
    ],
    durable: kind.startsWith("do") ? "FloorCounter" : undefined,
  });
  return {
    bare: { module: "bare.js", bindings: common },
    "floor-pump": floor("pump"),
    "floor-pull": floor("pull"),
    "floor-byob": floor("byob"),
    "floor-tee": floor("tee"),
    "floor-do": floor("do"),
    "floor-do-obj": floor("do-obj"),
    "floor-do-flat": floor("do-flat"),
    "floor-tee1": floor("tee1"),
    "floor-teepipe": floor("teepipe"),
    "floor-teepaced": floor("teepaced"),
    "floor-teepacedpipe": floor("teepacedpipe"),
    "floor-pipetee": floor("pipetee"),
    "floor-gate": floor("gate"),
    "floor-digest": floor("digest"),
    "floor-rewrap": floor("rewrap"),
    "floor-copyhdr": floor("copyhdr"),
    "floor-buffer": floor("buffer"),
    "sluice-plain": sluice("plain", { rate: false, extra: [text("BENCH_METRICS", "off")] }),
    "sluice-nohold": sluice("plain", {
      rate: false,
      extra: [text("BENCH_METRICS", "off"), text("BENCH_HOLD", "0")],
    }),
    // Stream resumption on (the JavaScript path keeps the text so far, to continue a broken stream).
    "sluice-resume": sluice("plain", {
      rate: false,
      extra: [text("BENCH_METRICS", "off"), text("BENCH_RESUME", "1")],
    }),
    // Cross-provider translation: Anthropic calls answered by OpenAI through a fallback (sluice.ts).
    "sluice-translate": sluice("plain", {
      rate: false,
      extra: [text("BENCH_METRICS", "off"), text("BENCH_TRANSLATE", "1")],
    }),
    "sluice-native": sluice("plain", {
      rate: false,
      extra: [text("BENCH_METRICS", "off"), text("BENCH_NATIVE", "1")],
    }),
    "sluice-native-basic": sluice("basic", { extra: [text("BENCH_NATIVE", "1")] }),
    // The default configuration with callers bringing their own provider key (`nativeStreams: "byok"`).
    "sluice-byok": sluice("plain", {
      rate: false,
      extra: [text("BENCH_METRICS", "off"), text("BENCH_BYOK", "1")],
    }),
    // The native path without the preamble hold: what the hold adds there.
    "sluice-native-nohold": sluice("plain", {
      rate: false,
      extra: [text("BENCH_METRICS", "off"), text("BENCH_NATIVE", "1"), text("BENCH_HOLD", "0")],
    }),
    "sluice-basic": sluice("basic"),
    // Attribution: sluice-basic with one of its two features off.
    "sluice-nolimit": sluice("basic", { rate: false }),
    "sluice-nometrics": sluice("basic", { extra: [text("BENCH_METRICS", "off")] }),
    "sluice-full": sluice("full"),
    // The limiter without leasing: one Durable Object take per call (sluice-basic's default is "auto").
    "sluice-direct": sluice("basic", { extra: [text("BENCH_LEASE", "off")] }),
    "sluice-lease": sluice("basic", { extra: [text("BENCH_LEASE", "16")] }),
    "sluice-lease64": sluice("basic", { extra: [text("BENCH_LEASE", "64")] }),
    "sluice-limited": sluice("basic", { rate: `${LIMITED}/86400s` }),
    // The Durable Object RTT_MS away (bench/workerd/src/rtt.ts), without and with leasing.
    ...Object.fromEntries(
      RTT_MS.flatMap((ms) => [
        [
          `sluice-rtt${ms}`,
          sluice("basic", { extra: [text("BENCH_RTT_MS", ms), text("BENCH_LEASE", "off")] }),
        ],
        [`sluice-auto-rtt${ms}`, sluice("basic", { extra: [text("BENCH_RTT_MS", ms)] })],
        [
          `sluice-lease-rtt${ms}`,
          sluice("basic", { extra: [text("BENCH_RTT_MS", ms), text("BENCH_LEASE", RTT_LEASE)] }),
        ],
      ]),
    ),
  };
}

export function workerdConfig({ names, ports, env, storageDir, v8Flags = [] }) {
  const specs = targetSpecs(env);
  const id = (name) => name.replace(/-(\w)/g, (_, c) => c.toUpperCase());
  const services = names.map((name) => `(name = ${str(name)}, worker = .${id(name)})`);
  const sockets = names.map(
    (name) =>
      `(name = ${str(name)}, address = "127.0.0.1:${ports[name]}", http = (), service = ${str(name)})`,
  );
  const workers = names.map((name) => {
    const spec = specs[name];
    const durable = spec.durable
      ? `
  durableObjectNamespaces = [(className = ${str(spec.durable)}, uniqueKey = ${str(`sluice-bench-${name}`)}, enableSql = true)],
  durableObjectStorage = (localDisk = "do-storage"),`
      : "";
    return `const ${id(name)} :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${str(spec.module)})],
  compatibilityDate = ${str(COMPATIBILITY_DATE)},
  bindings = [${spec.bindings.join(", ")}],
  globalOutbound = "loopback",${durable}
);`;
  });
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (${v8Flags.length ? `\n  v8Flags = [${v8Flags.map(str).join(", ")}],` : ""}
  services = [
    ${services.join(",\n    ")},
    (name = "loopback", network = (allow = ["local", "private", "public"])),
    (name = "do-storage", disk = (path = ${str(storageDir)}, writable = true)),
  ],
  sockets = [
    ${sockets.join(",\n    ")},
  ],
);

${workers.join("\n")}
`;
}

/**
 * Starts one workerd process serving `names`. `storage`: "disk" (a temp dir on the root filesystem) or
 * "tmpfs" (/dev/shm) for the Durable Objects' SQLite files.
 */
export async function startWorkerd({ root, env, names, storage = "disk", inspectorPort, v8Flags }) {
  const dir = mkdtempSync(join(tmpdir(), "sluice-workerd-"));
  const base = storage === "tmpfs" && existsSync(TMPFS) ? TMPFS : dir;
  const storageDir = mkdtempSync(join(base, "sluice-do-"));
  copyFileSync(bundleSluiceWorker(root), join(dir, "sluice.js"));
  for (const file of ["bare.js", "floors.js"])
    copyFileSync(join(root, "bench/workerd/src", file), join(dir, file));
  const ports = {};
  for (const name of names) ports[name] = await freePort();
  writeFileSync(join(dir, "config.capnp"), workerdConfig({ names, ports, env, storageDir, v8Flags }));
  const inspector = inspectorPort ? [`--inspector-addr=127.0.0.1:${inspectorPort}`] : [];
  const server = spawnServer(workerdBinary, ["serve", join(dir, "config.capnp"), ...inspector], dir);
  await waitForPort(ports[names[0]]);
  const targets = names.map((name) => ({
    name,
    url: `http://127.0.0.1:${ports[name]}`,
    // One process may serve several targets; CPU per request is measured on it while only one is loaded.
    pid: server.child.pid,
    stop: async () => {},
  }));
  targets.stop = server.stop;
  return targets;
}

/** The throughput set: every target in one process, plus the exact-admission check's bucket. */
export async function startWorkerdTargets({ root, env }) {
  const names = ["bare", "floor-pump", "floor-do", "sluice-basic", "sluice-full", "sluice-lease"];
  const all = await startWorkerd({ root, env, names: [...names, "sluice-limited"] });
  const limited = all.find((t) => t.name === "sluice-limited");
  const targets = all.filter((t) => t !== limited);
  targets[0].stop = all.stop;
  targets.limiter = { url: limited.url, capacity: LIMITED };
  return targets;
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`workerd is not listening on ${port}`);
}
