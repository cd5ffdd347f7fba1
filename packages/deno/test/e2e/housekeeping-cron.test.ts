/**
 * Housekeeping by the real trigger: `examples/deno-deploy/main.ts` under `deno serve` with its KV in a file,
 * and this test as Deno's cron service. With `DENO_UNSTABLE_CRON_SOCK=unix:<path>` Deno connects to that
 * socket and speaks newline-delimited JSON: it sends `{"kind":"register","crons":[…]}` for each Deno.cron,
 * runs a job on `{"kind":"invoke","name":…}`, and answers `{"kind":"result","name":…,"success":…}` once the
 * handler has finished.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, DENO, EXAMPLE_DIR, start } from "./processes.ts";

const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));
const ADMIN = "sluice-admin-cron-test-0001";
const KEY = "key_cronhk";
const dayOf = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
// Kept hourly (7 days by default), rolled up (older), and pruned (past the 400 days kept).
const [RECENT, OLD, GONE] = [dayOf(1), dayOf(10), dayOf(500)];

const counters = (n: number, errors: Record<string, number> = {}) => ({
  requests: n,
  inputTokens: 100 * n,
  outputTokens: 7 * n,
  cacheReadTokens: 3 * n,
  cacheWriteTokens: n,
  costNanoUsd: 1_234_567 * n,
  unpriced: 0,
  cacheMisses: n,
  latencyMs: 250 * n,
  ttfbMs: 90 * n,
  ttfbCount: n,
  errors,
});
const SEED = [
  { keyId: KEY, model: "claude-sonnet-4-6", hour: `${OLD}T00`, counters: counters(1) },
  { keyId: KEY, model: "claude-sonnet-4-6", hour: `${OLD}T03`, counters: counters(2, { overloaded: 1 }) },
  { keyId: KEY, model: "claude-sonnet-4-6", hour: `${OLD}T09`, counters: counters(3) },
  { keyId: KEY, model: "claude-sonnet-4-6", hour: `${OLD}T23`, counters: counters(4, { upstream_error: 2 }) },
  { keyId: KEY, model: "gpt-5-mini", hour: `${OLD}T09`, counters: counters(5) },
  { keyId: KEY, model: "gpt-5-mini", hour: `${GONE}T05`, counters: counters(6) },
  { keyId: KEY, model: "gpt-5-mini", hour: `${RECENT}T04`, counters: counters(7) },
];

interface Row {
  keyId: string;
  model: string;
  hour: string;
}
const rowsIn = (kvPath: string, day: string): Row[] =>
  JSON.parse(
    execFileSync(
      DENO,
      [
        "run",
        "--quiet",
        "--allow-read",
        "--allow-write",
        "test/deno/usage-rows.ts",
        "rows",
        kvPath,
        `${day}T00`,
        `${day}T23`,
      ],
      { cwd: PACKAGE_DIR, encoding: "utf8" },
    ),
  );

/** A cron service on a unix socket: the registrations Deno sent, and `invoke` resolving with the result. */
function cronService(path: string) {
  const registered: { name: string; schedule: string }[] = [];
  const results: ((message: { name: string; success: boolean }) => void)[] = [];
  let connection: Socket | undefined;
  let onRegister = () => {};
  const server = createServer((socket) => {
    connection = socket;
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines.filter((l) => l.trim())) {
        const message = JSON.parse(line);
        if (message.kind === "register") {
          registered.push(...message.crons);
          onRegister();
        } else if (message.kind === "result") results.shift()?.(message);
      }
    });
  });
  server.listen(path);
  return {
    registered,
    /** Resolves once a job named `name` is registered. */
    whenRegistered: (name: string) =>
      new Promise<void>((resolve) => {
        onRegister = () => registered.some((c) => c.name === name) && resolve();
        onRegister();
      }),
    invoke(name: string) {
      return new Promise<{ name: string; success: boolean }>((resolve) => {
        results.push(resolve);
        connection?.write(`${JSON.stringify({ kind: "invoke", name })}\n`);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const dir = mkdtempSync(join(tmpdir(), "sluice-cron-"));
const kvPath = join(dir, "kv.sqlite3");
const cron = cronService(join(dir, "cron.sock"));
let deno: Child;
let gatewayUrl: string;

beforeAll(async () => {
  execFileSync(
    DENO,
    [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "test/deno/usage-rows.ts",
      "seed",
      kvPath,
      JSON.stringify(SEED),
    ],
    { cwd: PACKAGE_DIR },
  );
  const served = await start(
    DENO,
    [
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "main.ts",
    ],
    {
      cwd: EXAMPLE_DIR,
      ready: /Listening on (http:\/\/127\.0\.0\.1:\d+)/,
      env: {
        SLUICE_KV_PATH: kvPath,
        SLUICE_ADMIN_KEY: ADMIN,
        DENO_UNSTABLE_CRON_SOCK: `unix:${join(dir, "cron.sock")}`,
      },
    },
  );
  deno = served.child;
  gatewayUrl = served.match[1]!;
}, 60_000);

afterAll(async () => {
  await deno?.stop();
  await cron.close();
  rmSync(dir, { recursive: true, force: true });
});

const usage = async (day: string) => {
  const response = await fetch(`${gatewayUrl}/_sluice/usage?key=${KEY}&day=${day}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { days: unknown[] }).days[0] as { requests: number };
};

describe("housekeeping through Deno.cron under deno serve", () => {
  it("rolls old days into one T00 row per model with the same sums and deletes days past the retention", async () => {
    await cron.whenRegistered("sluice housekeeping");
    expect(cron.registered).toEqual([{ name: "sluice housekeeping", schedule: "17 * * * *" }]);
    const before = { old: await usage(OLD), gone: await usage(GONE), recent: await usage(RECENT) };
    expect(before.old.requests).toBe(1 + 2 + 3 + 4 + 5);
    expect(before.gone.requests).toBe(6);

    expect(await cron.invoke("sluice housekeeping")).toEqual({
      kind: "result",
      name: "sluice housekeeping",
      success: true,
    });
    const line = deno
      .output()
      .split("\n")
      .find((l) => l.startsWith('{"event":"sluice.housekeeping"'));
    // Four hours of OLD folded (its T00 row stays); GONE's row was pruned first, so it is not folded.
    expect(JSON.parse(line ?? "null")).toMatchObject({
      rolledUp: 4,
      pruned: 1,
      prunedBefore: dayOf(400),
      more: false,
    });

    expect(await usage(OLD)).toEqual(before.old);
    expect(await usage(RECENT)).toEqual(before.recent);
    expect((await usage(GONE)).requests).toBe(0);

    await deno.stop();
    const hours = (day: string) =>
      rowsIn(kvPath, day)
        .map((r) => `${r.model} ${r.hour}`)
        .sort();
    expect(hours(OLD)).toEqual([`claude-sonnet-4-6 ${OLD}T00`, `gpt-5-mini ${OLD}T00`]);
    expect(hours(RECENT)).toEqual([`gpt-5-mini ${RECENT}T04`]);
    expect(hours(GONE)).toEqual([]);
    expect(deno.output()).not.toContain(ADMIN);
  });
});
