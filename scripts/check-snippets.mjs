// `node scripts/check-snippets.mjs [--fix]`: every README code block that follows
// `<!-- snippet: PATH -->` (PATH from the repository root) must equal that file, byte for byte. The files
// are what the tests run, so a README block that drifts from them fails here; `--fix` copies the files
// into the READMEs instead. Every block in every README must be a snippet, or say why it is not run with
// `<!-- snippet: none, REASON -->` (output, a placeholder-only illustration, a step that needs an account),
// so a new unrun block cannot slip in.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const MARKER = /^<!-- snippet: (.+?) -->$/;

const fix = process.argv.includes("--fix");
const readmes = execFileSync("git", ["ls-files", "README.md", "*/README.md"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((file) => file && !file.includes("node_modules/"));
const problems = [];
let checked = 0;
for (const readme of readmes) {
  const lines = readFileSync(join(root, readme), "utf8").split("\n");
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const fence = lines[i].match(/^(```+)\S*/);
    if (!fence) continue;
    const end = lines.findIndex((line, j) => j > i && line === fence[1]);
    if (end < 0) {
      problems.push(`${readme}:${i + 1}: unclosed code block`);
      break;
    }
    const marker = (lines[i - 1] ?? "").match(MARKER);
    if (!marker) {
      problems.push(`${readme}:${i + 1}: code block without <!-- snippet: PATH --> (or "none, REASON")`);
    } else if (marker[1].startsWith("none")) {
      if (!/^none, \S/.test(marker[1]))
        problems.push(`${readme}:${i}: "none" needs a reason: "none, REASON"`);
    } else {
      // `PATH` or `PATH (a note)`: the note says how the file is exercised when it cannot simply run.
      const path = marker[1].split(" ")[0];
      const file = join(root, path);
      if (!existsSync(file)) {
        problems.push(`${readme}:${i}: snippet file ${path} does not exist`);
      } else {
        const want = readFileSync(file, "utf8").replace(/\n$/, "").split("\n");
        const have = lines.slice(i + 1, end);
        checked++;
        if (want.join("\n") !== have.join("\n")) {
          if (fix) {
            lines.splice(i + 1, end - i - 1, ...want);
            changed = true;
          } else {
            problems.push(
              `${readme}:${i + 2}: block differs from ${path} (run: node scripts/check-snippets.mjs --fix)`,
            );
          }
        }
      }
    }
    i = lines.findIndex((line, j) => j > i && line === fence[1]);
  }
  if (changed) writeFileSync(join(root, readme), lines.join("\n"));
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`✓ ${checked} README snippets match the files the tests run`);
