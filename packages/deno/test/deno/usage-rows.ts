/**
 * A command for tests in Node, run with `deno run` (not a test file): `seed <kv path> <rows as JSON>` adds usage
 * rows with the KV usage store; `rows <kv path> <from hour> <to hour>` prints every key's rows in the range.
 */
import type { UsageRow } from "@sluice/core";
import { kvUsageStore } from "../../src/index.ts";

const [command, path, ...rest] = Deno.args;
const kv = await Deno.openKv(path);
const store = kvUsageStore(kv);
if (command === "seed") {
  for (const row of JSON.parse(rest[0] ?? "[]") as UsageRow[]) await store.add(row);
} else if (command === "rows") {
  console.log(JSON.stringify(await store.query({ from: rest[0] ?? "", to: rest[1] ?? "" })));
} else {
  throw new Error(`usage-rows.ts: unknown command "${command}" (seed or rows)`);
}
kv.close();
