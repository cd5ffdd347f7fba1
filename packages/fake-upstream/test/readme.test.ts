// The README's usage block (test/readme/usage.ts, kept equal by scripts/check-snippets.mjs) runs as written,
// as a user's Node script: it imports the package by its name, so it runs the built public API.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { replyText } from "../src/index.js";

it("the README's usage block starts the fake, gets a reply through the Anthropic SDK and closes", async () => {
  const file = fileURLToPath(new URL("readme/usage.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
  expect(stdout).toContain(replyText());
  expect(stdout).toContain("'/anthropic/v1/messages': 1");
});
