/**
 * The Fastly project, from examples/fastly-compute, and the Deno project's `.env.example`.
 */
import type { Choices } from "../options.js";
import { BASE_URL_NAMES, HOSTS, PROVIDERS } from "../providers.js";
import { TOOL_VERSIONS } from "../versions.js";
import type { Files } from "./files.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function envExample({ providers, features }: Choices, note: string): string {
  const lines = [`# ${note}`, ...providers.map((p) => `${PROVIDERS[p]}=`), "SLUICE_KEYS="];
  if (features.includes("keys")) lines.push("SLUICE_ADMIN_KEY=");
  if (features.includes("rate-limit")) lines.push("SLUICE_RATE_LIMIT=60/60s");
  if (features.includes("cache")) lines.push("SLUICE_CACHE_TTL=300");
  lines.push("# Optional: send a provider somewhere else. Unset means its real API.");
  for (const provider of providers) lines.push(`# ${BASE_URL_NAMES[provider]}=`);
  return `${lines.join("\n")}\n`;
}

export function fastlyProject(choices: Choices, version: string): Files {
  return {
    "package.json": json({
      name: choices.name,
      private: true,
      type: "module",
      scripts: {
        build:
          "esbuild src/index.ts --bundle --format=esm --platform=neutral --main-fields=module,main --conditions=fastly --external:fastly:* --outfile=bin/index.js && js-compute-runtime bin/index.js bin/main.wasm",
        deploy: "fastly compute publish",
        typecheck: "tsc --noEmit",
      },
      dependencies: { "@sluice/core": `^${version}`, "@sluice/fastly": `^${version}` },
      devDependencies: {
        "@fastly/js-compute": TOOL_VERSIONS["@fastly/js-compute"],
        esbuild: TOOL_VERSIONS.esbuild,
        typescript: TOOL_VERSIONS.typescript,
      },
    }),
    "tsconfig.json": json({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ES2023"],
        types: ["@fastly/js-compute"],
        strict: true,
        noEmit: true,
      },
      include: ["src"],
    }),
    "src/index.ts": `/// <reference types="@fastly/js-compute" />
/** Sluice on Fastly Compute: keys from the sluice_secrets Secret Store, settings from sluice_config. */
import { createHandler } from "@sluice/fastly";

const handle = createHandler({
  secretStore: "sluice_secrets",
  configStore: "sluice_config",${choices.features.includes("rate-limit") ? '\n  limits: { rate: "60/60s" },' : ""}${choices.features.includes("cache") ? "\n  cache: { ttlSeconds: 300 }," : ""}
});

addEventListener("fetch", (event) => event.respondWith(handle(event)));
`,
    "fastly.toml": `manifest_version = 3
name = "${choices.name}"
language = "javascript"

[scripts]
build = "npm run build"
${choices.providers.map((p) => `\n[setup.backends.${p}]\naddress = "${HOSTS[p]}"\nport = 443\n`).join("")}
[setup.secret_stores.sluice_secrets]
description = "Provider keys and SLUICE_KEYS"
`,
    ".gitignore": "node_modules/\nbin/\npkg/\n",
  };
}
