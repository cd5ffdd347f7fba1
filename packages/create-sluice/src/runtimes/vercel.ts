/**
 * A Next.js App Router project for Vercel (from examples/vercel-nextjs): one catch-all route handler on the
 * Node.js runtime. Its tests call the route's exports as Next.js does, in Node, with `waitUntil` supplied the
 * way Vercel supplies it, against the stand-in providers and, when a feature needs Upstash, Upstash REST over
 * a throwaway redis-server. `npm run build` is `next build`.
 */
import type { Choices } from "../options.js";
import { BASE_URL_NAMES, PROVIDERS, type Provider } from "../providers.js";
import { TOOL_VERSIONS } from "../versions.js";
import type { Files } from "./files.js";
import { gatewayTestCases, renderTests, sdkPackages, sdkTests } from "./gateway-tests.js";
import { redisServer } from "./redis-server.js";
import { upstashBridge } from "./upstash-bridge.js";
import { upstreamFake } from "./upstream-fake.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Rate limits, the cache and managed keys live in Upstash Redis on Vercel. */
export const needsUpstash = ({ features }: Choices) =>
  features.some((f) => f === "rate-limit" || f === "cache" || f === "keys");

function route(choices: Choices): string {
  const upstash = needsUpstash(choices);
  const off = (Object.keys(PROVIDERS) as Provider[]).filter((p) => !choices.providers.includes(p));
  const options: string[] = [];
  if (upstash) {
    options.push(
      "  // Upstash (UPSTASH_REDIS_REST_URL and _TOKEN) keeps rate limits, the cache, managed keys and budgets;",
      "  // without it Sluice still proxies, and a setting that needs it (SLUICE_RATE_LIMIT…) fails at startup.",
      "  redis: () => redisFromEnv(Redis),",
    );
  }
  if (off.length > 0) {
    options.push(
      "  // Providers this project does not use answer 404.",
      `  providers: { ${off.map((p) => `${p}: { enabled: false }`).join(", ")} },`,
    );
  }
  if (!choices.features.includes("metrics")) {
    options.push("  // No JSON log line per call (the default).", "  metrics: [],");
  }
  return `// app/[...path]/route.ts: every Sluice route at the root of a Next.js app, on the Node.js runtime
// (/anthropic/v1/messages, /openai/v1/chat/completions, /gemini/v1beta/models/…, /healthz).
import { createHandler${upstash ? ", redisFromEnv" : ""} } from "@sluice/vercel";
${upstash ? 'import { Redis } from "@upstash/redis";\n' : ""}
export const runtime = "nodejs";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = createHandler(${
    options.length > 0 ? `{\n${options.join("\n")}\n}` : ""
  });
`;
}

function envExample(choices: Choices): string {
  const { providers, features } = choices;
  const lines = [
    "# Copy to .env.local for `npm start` / `npm run dev`. On Vercel: `vercel env add NAME` (or Project → Settings).",
    ...providers.map((p) => `${PROVIDERS[p]}=`),
    "# Comma-separated keys your clients send instead of provider keys (long random strings).",
    "SLUICE_KEYS=",
  ];
  if (needsUpstash(choices)) {
    lines.push(
      "# Upstash Redis (REST): Vercel → Storage → Upstash → Redis, connected to the project, sets both. The",
      "# settings below need it: without it every call answers 500 saying what to set.",
      "UPSTASH_REDIS_REST_URL=",
      "UPSTASH_REDIS_REST_TOKEN=",
    );
  }
  if (features.includes("rate-limit")) lines.push("# Per client key.", "SLUICE_RATE_LIMIT=60/60s");
  if (features.includes("cache"))
    lines.push("# Seconds: identical non-streamed calls are answered from Upstash.", "SLUICE_CACHE_TTL=300");
  if (features.includes("keys")) {
    lines.push(
      "# Unlocks the admin API (/_sluice/keys, /_sluice/usage): long and random.",
      "SLUICE_ADMIN_KEY=",
    );
  }
  lines.push("# Optional: send a provider somewhere else (a proxy, a local fake). Unset means its real API.");
  for (const provider of providers) lines.push(`# ${BASE_URL_NAMES[provider]}=`);
  return `${lines.join("\n")}\n`;
}

function globalSetup(choices: Choices): string {
  const upstash = needsUpstash(choices);
  return `// Node side of the tests: starts the stand-in providers${upstash ? " and Upstash REST over a throwaway redis-server" : ""}.
import type { TestProject } from "vitest/node";
${upstash ? 'import { startRedisServer } from "./redis-server.js";\nimport { startUpstash } from "./upstash.js";\n' : ""}import { startUpstream } from "./upstream.js";

declare module "vitest" {
  export interface ProvidedContext {
    upstream: { baseUrls: Record<string, string> };${upstash ? "\n    upstash: { url: string; token: string };" : ""}
  }
}

export default async function setup(project: TestProject) {
  const upstream = await startUpstream();
  project.provide("upstream", { baseUrls: upstream.baseUrls });
${
  upstash
    ? `  const redis = await startRedisServer();
  const upstash = await startUpstash(redis.port);
  project.provide("upstash", { url: upstash.url, token: upstash.token });
  return async () => {
    await upstash.close();
    await redis.stop();
    await upstream.close();
  };`
    : "  return () => upstream.close();"
}
}
`;
}

function gatewayTest(choices: Choices): string {
  const upstash = needsUpstash(choices);
  const keys = choices.features.includes("keys");
  const metrics = choices.features.includes("metrics");
  const sdk = sdkTests(choices);
  const env = [
    ...choices.providers.map((p) => `  ${PROVIDERS[p]}: UPSTREAM_KEYS.${p},`),
    ...choices.providers.map((p) => `  ${BASE_URL_NAMES[p]}: upstream.baseUrls.${p},`),
    '  SLUICE_KEYS: Object.values(CLIENT_KEYS).join(","),',
    ...(upstash
      ? ["  UPSTASH_REDIS_REST_URL: upstash.url,", "  UPSTASH_REDIS_REST_TOKEN: upstash.token,"]
      : []),
    ...(keys ? ["  SLUICE_ADMIN_KEY: ADMIN_KEY,"] : []),
    ...(choices.features.includes("rate-limit") ? ['  SLUICE_RATE_LIMIT: "3/600s",'] : []),
    ...(choices.features.includes("cache") ? ['  SLUICE_CACHE_TTL: "300",'] : []),
  ];
  const logs = metrics
    ? `
test("one JSON log line per call (what Vercel ships to log drains), and no key in any", () => {
  const calls = logged.filter((line) => line.startsWith('{"event":"sluice.metric"'));
  expect(calls.length).toBeGreaterThan(0);
  expect(JSON.parse(calls[0]!)).toHaveProperty("latencyMs");
  const output = logged.join("\\n");
  for (const key of [...Object.values(UPSTREAM_KEYS), ...Object.values(CLIENT_KEYS)${keys ? ", ADMIN_KEY" : ""}]) {
    expect(output).not.toContain(key);
  }
});
`
    : "";
  return `// app/[...path]/route.ts called as Next.js calls it, in Node, against the stand-in providers${
    upstash ? " and Upstash REST\n// over a throwaway redis-server" : ""
  }: every route it promises, and the official SDKs.
${sdk.imports ? `${sdk.imports}\n` : ""}import { expect, inject, test${metrics ? ", vi" : ""} } from "vitest";
import { ${keys ? "ADMIN_KEY, " : ""}CLIENT_KEYS, UPSTREAM_KEYS } from "./keys.js";
import { call as callWith, REPLY } from "./requests.js";

// waitUntil as Vercel supplies it, through the request context @vercel/functions reads. Each call first waits
// for the work earlier calls left (cache writes, metrics), as Vercel lets it finish after the response.
const pending: Promise<unknown>[] = [];
Object.assign(globalThis, {
  [Symbol.for("@vercel/request-context")]: { get: () => ({ waitUntil: (p: Promise<unknown>) => pending.push(p) }) },
});
${metrics ? 'const logged: string[] = [];\nvi.spyOn(console, "log").mockImplementation((line: unknown) => void logged.push(String(line)));\n' : ""}
const upstream = inject("upstream");
${upstash ? 'const upstash = inject("upstash");\n' : ""}// The environment Vercel (or .env.local) gives the function; the route reads it on its first request.
Object.assign(process.env, {
${env.join("\n")}
});
const route = (await import("../app/[...path]/route")) as unknown as Record<string, (request: Request) => Promise<Response>>;

const gateway = {
  async fetch(request: Request) {
    await Promise.allSettled(pending.splice(0));
    return route[request.method]!(request);
  },
};
const call = (provider: string, key: string, body: Record<string, unknown> = {}) =>
  callWith(gateway, provider, key, body);
${
  sdk.cases.length > 0
    ? `// The SDKs' requests go straight to the route handler (no server): their own fetch option.
const clientOptions = (path: string) => ({
  apiKey: CLIENT_KEYS.sdk,
  baseURL: \`https://gw.test\${path}\`,
  maxRetries: 0,
  fetch: (input: string | URL | Request, init?: RequestInit) => gateway.fetch(new Request(input, init)),
});
`
    : ""
}
${renderTests([...gatewayTestCases(choices, "Upstash"), ...sdk.cases])}
${logs}`;
}

/** Files of a Next.js-on-Vercel project for these choices. */
export function vercelProject(choices: Choices, sluiceVersion: string): Files {
  const upstash = needsUpstash(choices);
  const sdks = Object.fromEntries(sdkPackages(choices).map((name) => [name, TOOL_VERSIONS[name]]));
  return {
    "package.json": json({
      name: choices.name,
      private: true,
      type: "module",
      scripts: {
        dev: "next dev",
        build: "next build",
        start: "next start",
        test: "vitest run",
        typecheck: "tsc --noEmit",
      },
      dependencies: {
        "@sluice/core": `^${sluiceVersion}`,
        "@sluice/vercel": `^${sluiceVersion}`,
        ...(upstash ? { "@upstash/redis": TOOL_VERSIONS["@upstash/redis"] } : {}),
        next: TOOL_VERSIONS.next,
        react: TOOL_VERSIONS.react,
        "react-dom": TOOL_VERSIONS["react-dom"],
      },
      devDependencies: {
        ...sdks,
        "@types/node": TOOL_VERSIONS["@types/node"],
        "@types/react": TOOL_VERSIONS["@types/react"],
        typescript: TOOL_VERSIONS.typescript,
        vitest: TOOL_VERSIONS.vitest,
      },
    }),
    "app/[...path]/route.ts": route(choices),
    "next.config.mjs": `/** @type {import("next").NextConfig} */
export default {
  // \`npm run typecheck\` checks the app and its tests; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};
`,
    ".env.example": envExample(choices),
    ".gitignore": "node_modules/\n.next/\n.vercel/\n.env*.local\nnext-env.d.ts\n*.tsbuildinfo\n",
    // What `next build` would otherwise write on its first run.
    "tsconfig.json": json({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2023", "DOM", "DOM.Iterable"],
        module: "ESNext",
        moduleResolution: "Bundler",
        types: ["node"],
        strict: true,
        skipLibCheck: true,
        isolatedModules: true,
        verbatimModuleSyntax: true,
        esModuleInterop: true,
        resolveJsonModule: true,
        allowJs: false,
        jsx: "react-jsx",
        incremental: true,
        noEmit: true,
        plugins: [{ name: "next" }],
      },
      include: ["app", "test", "vitest.config.ts", ".next/types/**/*.ts", ".next/dev/types/**/*.ts"],
      exclude: ["node_modules", ".next"],
    }),
    "vitest.config.ts": `import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/**/*.test.ts"], globalSetup: ["./test/global-setup.ts"], testTimeout: 30_000 },
});
`,
    "test/global-setup.ts": globalSetup(choices),
    "test/gateway.test.ts": gatewayTest(choices),
    ...upstreamFake(".js"),
    ...(upstash ? { ...redisServer(), ...upstashBridge() } : {}),
  };
}
