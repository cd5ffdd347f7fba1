// `node scripts/check-adapter-layout.mjs`: every runtime adapter has the files docs/adapters.md lists, each
// port file exports the factory its table names (with the port's suffix), `src/index.ts` re-exports it, and
// no adapter depends on another. The tables in docs/adapters.md are the source, so the page and the code
// cannot drift apart.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const ADAPTERS = ["cloudflare", "deno", "fastly", "node", "vercel"];
const doc = readFileSync(join(root, "docs/adapters.md"), "utf8").split("\n");
const problems = [];

/** The body rows of the table that follows `<!-- marker… -->`, as arrays of cells. */
function table(marker) {
  const start = doc.findIndex((line) => line.startsWith(`<!-- ${marker}`));
  if (start < 0) throw new Error(`docs/adapters.md has no <!-- ${marker} --> table`);
  const rows = [];
  for (let i = start + 1; i < doc.length && doc[i].startsWith("|"); i++) {
    rows.push(
      doc[i]
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  const [head, , ...body] = rows;
  return body.map((cells) => Object.fromEntries(head.map((name, i) => [name, cells[i]])));
}
const code = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** Names a file exports: `export function f`, `export const c`, `export { a, type B } from …`. */
function exportsOf(source) {
  const names = new Set();
  for (const m of source.matchAll(/^export (?:async )?(?:function|const|class) (\w+)/gm)) names.add(m[1]);
  for (const m of source.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) {
      const name = part
        .trim()
        .replace(/^type /, "")
        .split(/\s+as\s+/)
        .pop();
      if (name) names.add(name);
    }
  }
  return names;
}

for (const adapter of ADAPTERS) {
  const src = join(root, "packages", adapter, "src");
  const index = existsSync(join(src, "index.ts")) ? readFileSync(join(src, "index.ts"), "utf8") : "";
  const indexExports = exportsOf(index);
  for (const row of table("adapter-files")) {
    const [file] = code(row.file);
    if (!existsSync(join(root, "packages", adapter, file))) problems.push(`${adapter}: no ${file}`);
  }
  for (const row of table("adapter-ports")) {
    const [file] = code(row["port file"]);
    const suffix = code(row["factory name"])[0].replace("…", "");
    const path = join(root, "packages", adapter, file);
    if (!existsSync(path)) {
      problems.push(`${adapter}: no ${file} (every adapter has every port file: docs/adapters.md)`);
      continue;
    }
    const own = exportsOf(readFileSync(path, "utf8"));
    for (const factory of code(row[adapter] ?? "")) {
      if (!factory.endsWith(suffix)) problems.push(`${adapter}: ${factory} should end with ${suffix}`);
      if (!own.has(factory)) problems.push(`${adapter}: ${file} does not export ${factory}`);
      if (!indexExports.has(factory)) problems.push(`${adapter}: src/index.ts does not re-export ${factory}`);
    }
    const module = file.replace(/^src\//, "./").replace(/\.ts$/, "");
    if (!index.includes(`"${module}.js"`) && !index.includes(`"${module}.ts"`))
      problems.push(`${adapter}: src/index.ts does not re-export ${file}`);
  }
  const manifest = JSON.parse(readFileSync(join(root, "packages", adapter, "package.json"), "utf8"));
  const deps = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
  for (const other of ADAPTERS) {
    if (other !== adapter && `@sluice/${other}` in deps)
      problems.push(
        `${adapter}: depends on @sluice/${other}; share code through a store package or @sluice/core/adapter`,
      );
  }
}

if (problems.length > 0) {
  console.error(`Adapter layout (docs/adapters.md):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`adapter layout: ${ADAPTERS.length} adapters match docs/adapters.md`);
