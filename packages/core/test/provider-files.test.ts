// A provider is one file in src/providers/builtin/: the list the gateway runs on is generated from that folder
// (scripts/list-providers.mjs), so no other source file names a provider.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PROVIDER_LIST } from "../src/index.js";

const folder = join(import.meta.dirname, "../src/providers/builtin");

it("runs on exactly the files in src/providers/builtin/, each named after its provider", () => {
  const files = readdirSync(folder).map((file) => file.replace(/\.ts$/, ""));
  expect(PROVIDER_LIST.map((p) => p.name).sort()).toEqual(files.sort());
});

it("refuses a file in that folder that does not export its provider under its own name, naming the fix", () => {
  const providers = mkdtempSync(join(tmpdir(), "sluice-providers-"));
  mkdirSync(join(providers, "builtin"));
  writeFileSync(join(providers, "builtin/acme-cloud.ts"), "export const acmeCloud = defineProvider({});\n");
  const run = () =>
    execFileSync(process.execPath, [join(import.meta.dirname, "../scripts/list-providers.mjs"), providers], {
      stdio: "pipe",
    });
  try {
    run();
    expect(readFileSync(join(providers, "builtin.gen.ts"), "utf8")).toContain(
      'import { acmeCloud } from "./builtin/acme-cloud.js";',
    );
    writeFileSync(join(providers, "builtin/not-a-provider.ts"), "export const somethingElse = 1;\n");
    expect(run).toThrow(/not-a-provider\.ts must export its provider as `export const notAProvider = …`/);
  } finally {
    rmSync(providers, { recursive: true });
  }
});
