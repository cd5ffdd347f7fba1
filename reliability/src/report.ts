/**
 * Each test file leaves its section as JSON in .results/; the global teardown renders docs/reliability.md
 * from whatever sections this run produced, so the document always describes the last run.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const RESULTS_DIR = join(root, ".results");
export const REPORT_PATH = join(root, "..", "docs", "reliability.md");

export interface Section {
  /** Sort key and heading. */
  order: number;
  title: string;
  /** Markdown body. */
  markdown: string;
}

export function saveSection(name: string, section: Section): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(section));
}

export function loadSections(): Section[] {
  let files: string[] = [];
  try {
    files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files
    .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), "utf8")) as Section)
    .sort((a, b) => a.order - b.order);
}

/** A markdown table from a header row and rows. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
