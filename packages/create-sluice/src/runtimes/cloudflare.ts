/** A Cloudflare Worker project (from examples/cloudflare-worker), with tests that run it under workerd. */
import type { Choices } from "../options.js";
import { BASE_URL_NAMES, PROVIDERS, type Provider } from "../providers.js";
import { TOOL_VERSIONS } from "../versions.js";
import type { Files } from "./files.js";
import { gatewayTestCases, renderTests } from "./gateway-tests.js";
import { upstreamFake, vitestGlobalSetup } from "./upstream-fake.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function worker({ providers, features }: Choices): string {
  const classes = [
    ...(features.includes("keys") ? ["SluiceKeys"] : []),
    ...(features.includes("rate-limit") ? ["SluiceRateLimiter"] : []),
    ...(features.includes("keys") ? ["SluiceUsage"] : []),
  ];
  const off = (Object.keys(PROVIDERS) as Provider[]).filter((p) => !providers.includes(p));
  const lines = ["// The Worker: Sluice, configured from env (wrangler.jsonc vars, secrets, bindings)."];
  lines.push(`import { ${off.length > 0 ? "BASE_URL_VARS, " : ""}createWorker } from "@sluice/cloudflare";`);
  if (classes.length > 0) {
    lines.push(
      "// Durable Object classes must be exported by the entry module under the names wrangler.jsonc binds.",
    );
    lines.push(`export { ${classes.join(", ")} } from "@sluice/cloudflare";`);
  }
  lines.push("");
  if (off.length === 0) {
    lines.push("export default createWorker();");
  } else {
    lines.push(
      "// Providers this project does not use answer 404. `gateway.providers` replaces what the adapter reads from",
      "// env, so the others keep their *_BASE_URL setting here.",
      `const unused = [${off.map((p) => `"${p}"`).join(", ")}];`,
      "",
      "export default createWorker<Record<string, unknown>>({",
      "  gateway: (env) => ({",
      "    providers: Object.fromEntries(",
      "      Object.entries(BASE_URL_VARS).map(([provider, name]) => [",
      "        provider,",
      "        unused.includes(provider) ? { enabled: false } : env[name] ? { baseUrl: String(env[name]) } : {},",
      "      ]),",
      "    ),",
      "  }),",
      "});",
    );
  }
  return `${lines.join("\n")}\n`;
}

function wranglerConfig({ name, features }: Choices): string {
  const bindings: object[] = [];
  const sqlite: string[] = [];
  if (features.includes("rate-limit")) {
    bindings.push({ name: "RATE_LIMITER", class_name: "SluiceRateLimiter" });
    sqlite.push("SluiceRateLimiter");
  }
  if (features.includes("keys")) {
    bindings.push({ name: "KEYS", class_name: "SluiceKeys" }, { name: "USAGE", class_name: "SluiceUsage" });
    sqlite.push("SluiceKeys", "SluiceUsage");
  }
  const config: Record<string, unknown> = {
    $schema: "node_modules/wrangler/config-schema.json",
    name,
    main: "src/index.ts",
    // Not newer than the workerd that this wrangler bundles.
    compatibility_date: "2026-10-01",
  };
  if (bindings.length > 0) {
    config.durable_objects = { bindings };
    config.migrations = [{ tag: "v1", new_sqlite_classes: sqlite }];
  }
  if (features.includes("cache")) {
    // Replace with the id printed by `npx wrangler kv namespace create CACHE` before deploying.
    config.kv_namespaces = [{ binding: "CACHE", id: "00000000000000000000000000000000" }];
  }
  if (features.includes("metrics")) {
    config.analytics_engine_datasets = [
      { binding: "METRICS", dataset: `${name.replaceAll("-", "_")}_metrics` },
    ];
  }
  config.vars = features.includes("rate-limit") ? { SLUICE_RATE_LIMIT: "60/60s" } : {};
  return json(config);
}

function devVars({ providers, features }: Choices): string {
  const lines = [
    "# Copy to .dev.vars for `npm run dev` (wrangler dev); in production: `npx wrangler secret put NAME`.",
  ];
  for (const provider of providers) lines.push(`${PROVIDERS[provider]}=`);
  lines.push("# Comma-separated keys your clients send instead of provider keys.", "SLUICE_KEYS=");
  if (features.includes("keys"))
    lines.push(
      "# Unlocks the admin API (/_sluice/keys, /_sluice/usage): long and random.",
      "SLUICE_ADMIN_KEY=",
    );
  lines.push("# Optional: send a provider somewhere else (a proxy, a local fake). Unset means its real API.");
  for (const provider of providers) lines.push(`# ${BASE_URL_NAMES[provider]}=`);
  return `${lines.join("\n")}\n`;
}

function vitestConfig({ providers, features }: Choices): string {
  const secrets = providers.map((p) => `          ${PROVIDERS[p]}: UPSTREAM_KEYS.${p},`).join("\n");
  const baseUrls = providers.map((p) => `          ${BASE_URL_NAMES[p]}: upstream.baseUrls.${p},`).join("\n");
  return `import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { ${features.includes("keys") ? "ADMIN_KEY, " : ""}CLIENT_KEYS, UPSTREAM_KEYS } from "./test/keys.js";

// The Worker runs in workerd with local Durable Objects and KV, as wrangler dev runs it; the providers are
// a small stand-in started in Node by test/global-setup.ts (the only thing faked).
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const upstream = inject("upstream");
      return {
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          // Secrets, as .dev.vars or \`wrangler secret put\` would set them.
          bindings: {
${secrets}
          SLUICE_KEYS: Object.values(CLIENT_KEYS).join(","),
${features.includes("keys") ? "          SLUICE_ADMIN_KEY: ADMIN_KEY,\n" : ""}${features.includes("rate-limit") ? '          SLUICE_RATE_LIMIT: "3/600s",\n' : ""}${baseUrls}
          },
        },
      };
    }),
  ],
  test: { include: ["test/**/*.test.ts"], globalSetup: ["./test/global-setup.ts"] },
});
`;
}

function gatewayTest(choices: Choices): string {
  const keys = choices.features.includes("keys") ? "ADMIN_KEY, " : "";
  return `// The generated Worker under workerd: every route it promises, against the stand-in providers.
import { exports } from "cloudflare:workers";
import { expect, test } from "vitest";
import { ${keys}CLIENT_KEYS } from "./keys.js";
import { call as callWith, REPLY } from "./requests.js";

const gateway = (exports as unknown as { default: { fetch(request: Request): Promise<Response> } }).default;
const call = (provider: string, key: string, body: Record<string, unknown> = {}) =>
  callWith(gateway, provider, key, body);

${renderTests(gatewayTestCases(choices, "the Durable Object"))}
`;
}

/** Files of a Cloudflare project for these choices. */
export function cloudflareProject(choices: Choices, sluiceVersion: string): Files {
  return {
    "package.json": json({
      name: choices.name,
      private: true,
      type: "module",
      scripts: {
        dev: "wrangler dev",
        deploy: "wrangler deploy",
        test: "vitest run",
        typecheck: "tsc --noEmit",
      },
      dependencies: { "@sluice/cloudflare": `^${sluiceVersion}`, "@sluice/core": `^${sluiceVersion}` },
      devDependencies: {
        "@cloudflare/vitest-plugin": TOOL_VERSIONS["@cloudflare/vitest-plugin"],
        "@cloudflare/workers-types": TOOL_VERSIONS["@cloudflare/workers-types"],
        typescript: TOOL_VERSIONS.typescript,
        vitest: TOOL_VERSIONS.vitest,
        wrangler: TOOL_VERSIONS.wrangler,
      },
    }),
    "src/index.ts": worker(choices),
    "wrangler.jsonc": wranglerConfig(choices),
    ".dev.vars.example": devVars(choices),
    ".gitignore": "node_modules/\n.wrangler/\n.dev.vars\n",
    "tsconfig.json": json({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ESNext"],
        types: ["@cloudflare/workers-types", "@cloudflare/vitest-plugin/types"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: ["src", "test"],
      exclude: ["test/global-setup.ts", "test/upstream.ts"],
    }),
    "vitest.config.ts": vitestConfig(choices),
    "test/gateway.test.ts": gatewayTest(choices),
    ...upstreamFake(".js"),
    ...vitestGlobalSetup(),
  };
}
