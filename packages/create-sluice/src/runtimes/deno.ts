/**
 * A Deno project (from examples/deno-deploy), with tests that run it under `deno test` with Deno KV in memory.
 * Its npm dependencies are in package.json, so `deno install` (or `npm install`) fetches them.
 */
import { type Choices, PROVIDERS, type Provider } from "../options.js";
import type { Files } from "./files.js";
import { gatewayTestCases, renderTests } from "./gateway-tests.js";
import { envExample } from "./others.js";
import { upstreamFake } from "./upstream-fake.js";
import { TOOL_VERSIONS } from "../versions.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function main({ providers, features }: Choices): string {
  const off = (Object.keys(PROVIDERS) as Provider[]).filter((p) => !providers.includes(p));
  const options = ["  kv,"];
  if (off.length > 0) {
    options.push(
      "  // Providers this project does not use answer 404.",
      `  providers: { ${off.map((p) => `${p}: { enabled: false }`).join(", ")} },`,
    );
  }
  if (!features.includes("keys")) options.push("  managedKeys: false,", "  usage: false,");
  if (!features.includes("metrics")) options.push("  metrics: [],");
  const usage = features.includes("keys");
  const housekeeping = usage
    ? `
// Hourly at :17 (UTC), usage rows of old days are rolled into day rows and days past the retention deleted.
// Deno Deploy runs Deno.cron natively; locally "cron" in deno.json's "unstable" turns it on. Register it here,
// at the top level, before the server starts.
scheduleHousekeeping(handler);
`
    : "";
  return `/** Sluice on Deno: keys and settings from the environment; rate limits, the cache and managed keys in Deno KV. */
import { createHandler${usage ? ", scheduleHousekeeping" : ""} } from "@sluice/deno";

// On Deno Deploy, openKv() with no path is the project's KV database. Locally SLUICE_KV_PATH picks a file
// (or ":memory:"); without it Deno keeps one under its cache directory.
const kv = await Deno.openKv(Deno.env.get("SLUICE_KV_PATH") || undefined);

const handler = createHandler({
${options.join("\n")}
});
${housekeeping}
// Deno.serve has no waitUntil: before the process stops, let metric lines and cache writes finish.
if (Deno.build.os !== "windows") {
  Deno.addSignalListener("SIGTERM", async () => {
    await handler.drain();
    kv.close();
    Deno.exit(0);
  });
}

export default { fetch: handler } satisfies Deno.ServeDefaultExport;
`;
}

const EXPECT = `// The few matchers the tests use, on node:assert (no network needed for jsr:@std/assert).
import assert from "node:assert/strict";

export function expect<T>(actual: T) {
  return {
    toBe: (expected: T) => assert.equal(actual, expected),
    toEqual: (expected: T) => assert.deepEqual(actual, expected),
    toContain: (part: string) => assert.ok(String(actual).includes(part), \`\${actual} does not contain \${part}\`),
  };
}
`;

function gatewayTest(choices: Choices): string {
  const env = [
    ...choices.providers.map((p) => `  ${PROVIDERS[p]}: UPSTREAM_KEYS.${p},`),
    ...choices.providers.map((p) => `  ${p.toUpperCase()}_BASE_URL: upstream.baseUrls.${p},`),
    '  SLUICE_KEYS: Object.values(CLIENT_KEYS).join(","),',
    ...(choices.features.includes("keys") ? ["  SLUICE_ADMIN_KEY: ADMIN_KEY,"] : []),
    ...(choices.features.includes("rate-limit") ? ['  SLUICE_RATE_LIMIT: "3/600s",'] : []),
    ...(choices.features.includes("cache") ? ['  SLUICE_CACHE_TTL: "300",'] : []),
    '  SLUICE_KV_PATH: ":memory:",',
  ];
  return `// main.ts under deno test, with Deno KV in memory: every route it promises, against the stand-in providers.
import { expect } from "./expect.ts";
import { ${choices.features.includes("keys") ? "ADMIN_KEY, " : ""}CLIENT_KEYS, UPSTREAM_KEYS } from "./keys.ts";
import { call as callWith, REPLY } from "./requests.ts";
import { startUpstream } from "./upstream.ts";

const upstream = await startUpstream();
// The environment .env or Deno Deploy's settings would give, before main.ts reads it.
for (const [name, value] of Object.entries({
${env.join("\n")}
})) Deno.env.set(name, value);
const { default: gateway } = await import("../main.ts");
const call = (provider: string, key: string, body: Record<string, unknown> = {}) =>
  callWith(gateway, provider, key, body);
// The stand-in and the KV handle live for the whole file; Deno's per-test leak checks would flag them.
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

${renderTests(gatewayTestCases(choices, "Deno KV"))}

test("stops the stand-in providers", () => upstream.close());
`;
}

export function denoProject(choices: Choices, version: string): Files {
  return {
    "package.json": json({
      name: choices.name,
      private: true,
      type: "module",
      dependencies: { "@sluice/core": `^${version}`, "@sluice/deno": `^${version}` },
      // Types of the node: modules the test's stand-in providers use (Deno reads them from node_modules).
      devDependencies: { "@types/node": TOOL_VERSIONS["@types/node"] },
    }),
    "deno.json": json({
      tasks: {
        dev: "deno serve --watch --env-file=.env --allow-net --allow-env --allow-read --allow-write main.ts",
        test: "deno check main.ts test/ && deno test --allow-env --allow-net test/",
      },
      unstable: ["kv", "cron", "no-legacy-abort"],
    }),
    "main.ts": main(choices),
    ".env.example": envExample(
      choices,
      "Copy to .env for `deno task dev`; on Deno Deploy set these in the project settings.",
    ),
    ".gitignore": ".env\nnode_modules/\n",
    "test/expect.ts": EXPECT,
    "test/gateway_test.ts": gatewayTest(choices),
    ...upstreamFake(".ts"),
  };
}
