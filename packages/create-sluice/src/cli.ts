#!/usr/bin/env node
// `npm create sluice [dir] -- [--runtime R] [--providers a,b] [--features x,y|none] [--yes]`: asks for what
// is missing (or takes the defaults with --yes or without a terminal), then writes the project into dir.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { generate, nextSteps } from "./generate.js";
import {
  checkChoices,
  DEFAULT_FEATURES,
  DEFAULT_PROVIDERS,
  FEATURES,
  PROVIDERS,
  RUNTIMES,
  UsageError,
} from "./options.js";

const USAGE = `Usage: npm create sluice [dir] -- [options]
       create-sluice [dir] [options]

Writes a ready Sluice LLM gateway project into dir (default: my-gateway).

Options:
  --runtime R       ${RUNTIMES.join(" | ")} (default: cloudflare)
  --providers LIST  comma-separated: ${Object.keys(PROVIDERS).join(", ")} (default: ${DEFAULT_PROVIDERS.join(",")})
  --features LIST   comma-separated, or none: ${Object.keys(FEATURES).join(", ")}
                    (default: ${DEFAULT_FEATURES.join(",")})
  -y, --yes         take the defaults for anything not given, without asking
  -h, --help        print this help and exit
`;

const list = (value: string) =>
  value === "none"
    ? []
    : value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);

async function ask(question: string, fallback: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(`${question} (${fallback}): `)).trim() || fallback;
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runtime: { type: "string" },
      providers: { type: "string" },
      features: { type: "string" },
      yes: { type: "boolean", short: "y", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`One directory, please (got ${positionals.join(" ")}).`);
  const interactive = !values.yes && process.stdin.isTTY === true;
  const target = resolve(
    positionals[0] ?? (interactive ? await ask("Project directory", "my-gateway") : "my-gateway"),
  );
  const runtime =
    values.runtime ??
    (interactive ? await ask(`Runtime [${RUNTIMES.join("|")}]`, "cloudflare") : "cloudflare");
  const providers =
    values.providers ??
    (interactive
      ? await ask(`Providers [${Object.keys(PROVIDERS).join(",")}]`, DEFAULT_PROVIDERS.join(","))
      : DEFAULT_PROVIDERS.join(","));
  const features =
    values.features ??
    (interactive
      ? await ask(`Features [${Object.keys(FEATURES).join(",")}|none]`, DEFAULT_FEATURES.join(","))
      : DEFAULT_FEATURES.join(","));
  const choices = checkChoices({
    name: basename(target),
    runtime,
    providers: list(providers),
    features: list(features),
  });

  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new UsageError(`${target} is not empty: choose a new directory name.`);
  }
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  for (const [path, text] of Object.entries(generate(choices, version))) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), text);
  }
  process.stdout.write(
    `Wrote a Sluice ${choices.runtime} project to ${target}\n\nNext:\n  cd ${positionals[0] ?? basename(target)}\n${nextSteps(
      choices,
    )
      .map((s) => `  ${s}`)
      .join("\n")}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    // Usage mistakes (unknown flags included) get the message and the usage, not a stack trace.
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(
      usage ? `create-sluice: ${error.message}\n\n${USAGE}` : `create-sluice: ${error.stack}\n`,
    );
    process.exit(usage ? 2 : 1);
  },
);
