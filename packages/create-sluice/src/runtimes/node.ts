/**
 * A self-hosted Node project (from examples/node-redis, `createHandler` and `serve` of `@sluice/node`), with tests that run `server.ts` in its
 * own process, as `npm start` does. Rate limits, the cache and managed keys live in Redis (`REDIS_URL`), so
 * the tests start a throwaway `redis-server` when a feature needs one; with none of those features there is
 * no Redis at all (`@sluice/node` refuses to keep them per process).
 */
import type { Choices } from "../options.js";
import { BASE_URL_NAMES, PROVIDERS, type Provider } from "../providers.js";
import { TOOL_VERSIONS } from "../versions.js";
import type { Files } from "./files.js";
import { gatewayTestCases, renderTests, sdkPackages, sdkTests } from "./gateway-tests.js";
import { redisServer } from "./redis-server.js";
import { upstreamFake } from "./upstream-fake.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The features whose state must be shared by every process: they need `REDIS_URL`. */
export const needsRedis = ({ features }: Choices) =>
  features.some((f) => f === "rate-limit" || f === "cache" || f === "keys");

function server(choices: Choices): string {
  const off = (Object.keys(PROVIDERS) as Provider[]).filter((p) => !choices.providers.includes(p));
  const options: string[] = [];
  if (off.length > 0) {
    options.push(
      "    // Providers this project does not use answer 404.",
      `    providers: { ${off.map((p) => `${p}: { enabled: false }`).join(", ")} },`,
    );
  }
  if (!choices.features.includes("metrics")) {
    options.push("    // No JSON log line per call on stdout (the default).", "    metrics: [],");
  }
  const redis = needsRedis(choices);
  const handler =
    options.length > 0 ? `\n  createHandler({\n${options.join("\n")}\n  }),\n` : "createHandler()";
  return `// server.ts: one Sluice gateway process (node:http). ${
    redis
      ? "Run as many as you like behind a load balancer: they share\n// the Redis (or Valkey) at REDIS_URL, so rate limits, the cache, managed keys and usage hold across all."
      : "Configuration is environment variables (.env)."
  }
import { createHandler, serve } from "@sluice/node";

// SIGTERM: stop accepting, finish in-flight calls and background work${redis ? ", then close Redis" : ""}.
const server = await serve(${handler});
console.log(\`sluice listening on \${server.url}\`);
`;
}

function envExample(choices: Choices): string {
  const { providers, features } = choices;
  const lines = [
    "# Copy to .env for `npm start` (node --env-file-if-exists=.env); in production, set them in the environment.",
    ...providers.map((p) => `${PROVIDERS[p]}=`),
    "# Comma-separated keys your clients send instead of provider keys (long random strings).",
    "SLUICE_KEYS=",
  ];
  if (needsRedis(choices)) {
    lines.push(
      "# The state every gateway process shares (Redis or Valkey; rediss:// for TLS).",
      "REDIS_URL=redis://localhost:6379",
    );
  }
  if (features.includes("rate-limit"))
    lines.push("# Per client key, exact across processes.", "SLUICE_RATE_LIMIT=60/60s");
  if (features.includes("cache"))
    lines.push("# Seconds: identical non-streamed calls are answered from Redis.", "SLUICE_CACHE_TTL=300");
  if (features.includes("keys")) {
    lines.push(
      "# Unlocks the admin API (/_sluice/keys, /_sluice/usage): long and random.",
      "SLUICE_ADMIN_KEY=",
    );
  }
  lines.push(
    "PORT=8787",
    "# Optional: send a provider somewhere else (a proxy, a local fake). Unset means its real API.",
  );
  for (const provider of providers) lines.push(`# ${BASE_URL_NAMES[provider]}=`);
  return `${lines.join("\n")}\n`;
}

const SERVER_PROCESS = `// server.ts in its own process, as \`npm start\` runs it; the test passes its whole environment (no .env).
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface GatewayProcess {
  url: string;
  /** Every line it printed, in order. */
  output: string[];
  /** Sends a Request (addressed to any host) to the process. */
  fetch(request: Request): Promise<Response>;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["server.ts"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: { PATH: process.env.PATH ?? "", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        if (line.includes("sluice listening on")) resolve();
      });
    }
    void exited.then((code) => reject(new Error(\`server.ts exited \${code}:\\n\${output.join("\\n")}\`)));
  });
  const url = \`http://127.0.0.1:\${port}\`;
  return {
    url,
    output,
    async fetch(request) {
      const { pathname, search } = new URL(request.url);
      const body = request.body ? await request.arrayBuffer() : undefined;
      return fetch(url + pathname + search, { method: request.method, headers: request.headers, body });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
`;

function gatewayTest(choices: Choices): string {
  const redis = needsRedis(choices);
  const keys = choices.features.includes("keys");
  const sdk = sdkTests(choices);
  const env = [
    ...choices.providers.map((p) => `    ${PROVIDERS[p]}: UPSTREAM_KEYS.${p},`),
    ...choices.providers.map((p) => `    ${BASE_URL_NAMES[p]}: upstream.baseUrls.${p}!,`),
    '    SLUICE_KEYS: Object.values(CLIENT_KEYS).join(","),',
    ...(redis ? ["    REDIS_URL: redis.url,"] : []),
    ...(keys ? ["    SLUICE_ADMIN_KEY: ADMIN_KEY,"] : []),
    ...(choices.features.includes("rate-limit") ? ['    SLUICE_RATE_LIMIT: "3/600s",'] : []),
    ...(choices.features.includes("cache") ? ['    SLUICE_CACHE_TTL: "300",'] : []),
  ];
  const logs = choices.features.includes("metrics")
    ? `
test("one JSON log line per call on stdout, and no key anywhere in the output", () => {
  const calls = server.output.filter((line) => line.startsWith('{"event":"sluice.metric"'));
  expect(calls.length).toBeGreaterThan(0);
  expect(JSON.parse(calls[0]!)).toHaveProperty("latencyMs");
  const output = server.output.join("\\n");
  for (const key of [...Object.values(UPSTREAM_KEYS), ...Object.values(CLIENT_KEYS)${keys ? ", ADMIN_KEY" : ""}]) {
    expect(output).not.toContain(key);
  }
});
`
    : "";
  return `// server.ts as \`npm start\` runs it, in its own process, against the stand-in providers${
    redis ? " and a throwaway\n// redis-server" : ""
  }: every route it promises, the official SDKs, and a clean SIGTERM.
${sdk.imports ? `${sdk.imports}\n` : ""}import { afterAll, beforeAll, expect, test } from "vitest";
import { ${keys ? "ADMIN_KEY, " : ""}CLIENT_KEYS, UPSTREAM_KEYS } from "./keys.js";
${redis ? 'import { type RedisServer, startRedisServer } from "./redis-server.js";\n' : ""}import { call as callWith, REPLY } from "./requests.js";
import { type GatewayProcess, startServer } from "./server-process.js";
import { startUpstream } from "./upstream.js";

let upstream: Awaited<ReturnType<typeof startUpstream>>;
${redis ? "let redis: RedisServer;\n" : ""}let server: GatewayProcess;

beforeAll(async () => {
  upstream = await startUpstream();
${redis ? "  redis = await startRedisServer();\n" : ""}  // The environment .env would give.
  server = await startServer({
${env.join("\n")}
  });
});

afterAll(async () => {
  await server?.stop();
${redis ? "  await redis?.stop();\n" : ""}  await upstream?.close();
});

const gateway = { fetch: (request: Request) => server.fetch(request) };
const call = (provider: string, key: string, body: Record<string, unknown> = {}) =>
  callWith(gateway, provider, key, body);
${sdk.cases.length > 0 ? "const clientOptions = (path: string) => ({ apiKey: CLIENT_KEYS.sdk, baseURL: server.url + path, maxRetries: 0 });\n" : ""}
${renderTests([...gatewayTestCases(choices, "Redis"), ...sdk.cases])}
${logs}
test("SIGTERM: stops accepting, finishes, exits 0", async () => {
  expect(await server.stop()).toBe(0);
});
`;
}

/** Files of a self-hosted Node project for these choices. */
export function nodeProject(choices: Choices, sluiceVersion: string): Files {
  const sdks = Object.fromEntries(sdkPackages(choices).map((name) => [name, TOOL_VERSIONS[name]]));
  return {
    "package.json": json({
      name: choices.name,
      private: true,
      type: "module",
      // Node runs server.ts as it is (type stripping) from 22.18.
      engines: { node: ">=22.18" },
      scripts: {
        start: "node --env-file-if-exists=.env server.ts",
        test: "vitest run",
        typecheck: "tsc --noEmit",
      },
      dependencies: { "@sluice/core": `^${sluiceVersion}`, "@sluice/node": `^${sluiceVersion}` },
      devDependencies: {
        ...sdks,
        "@types/node": TOOL_VERSIONS["@types/node"],
        typescript: TOOL_VERSIONS.typescript,
        vitest: TOOL_VERSIONS.vitest,
      },
    }),
    "server.ts": server(choices),
    ".env.example": envExample(choices),
    ".gitignore": "node_modules/\n.env\n",
    "tsconfig.json": json({
      compilerOptions: {
        target: "ES2023",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        types: ["node"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // Only syntax Node's type stripping can run.
        erasableSyntaxOnly: true,
        verbatimModuleSyntax: true,
      },
      include: ["server.ts", "test", "vitest.config.ts"],
    }),
    "vitest.config.ts": `import { defineConfig } from "vitest/config";

// Each test file starts server.ts in its own process${needsRedis(choices) ? " (and a redis-server)" : ""}: give a busy machine time.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 } });
`,
    "test/server-process.ts": SERVER_PROCESS,
    "test/gateway.test.ts": gatewayTest(choices),
    ...upstreamFake(".js"),
    ...(needsRedis(choices) ? redisServer() : {}),
  };
}
