// The README snippets as written (scripts/check-snippets.mjs keeps each README block equal to its file in
// test/readme/): each Worker runs under `wrangler dev`, and the client snippets run under Node against it.
// Only placeholders are replaced, and fill() proves that: each must be present, and none may be left.
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { FAKE_KEYS, type FakeUpstream, replyText, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWranglerDev } from "../scripts/local.mjs";
import { fill } from "./fill.js";

const snippets = join(import.meta.dirname, "readme");
const KEY = "sk-sluice-readme-client";
const ADMIN_KEY = "sk-sluice-readme-admin";

/** Copies a snippet folder next to the originals (so packages resolve) and writes the filled files. */
async function materialize(name: string, filled: Record<string, string>): Promise<string> {
  const dir = join(snippets, `.run-${name}`);
  await rm(dir, { recursive: true, force: true });
  await cp(join(snippets, name), dir, { recursive: true });
  for (const [file, text] of Object.entries(filled)) {
    await mkdir(join(dir, file, ".."), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

const read = (name: string, file: string) => readFile(join(snippets, name, file), "utf8");

/** `NAME=value` lines of a .dev.vars file. */
function parseDevVars(text: string): Record<string, string> {
  const entries = text
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]);
  return Object.fromEntries(entries);
}

/** Runs a client snippet with Node in `dir`; resolves to what it printed. */
async function runNode(dir: string, file: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: dir, timeout: 30_000 });
  return stdout;
}

let fake: FakeUpstream;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  fake = await startFakeUpstream();
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await fake?.close();
});

describe("root README: Add Sluice to your Worker", () => {
  let dir: string;
  let url: string;

  beforeAll(async () => {
    const devVars = fill(await read("worker", "dev.vars"), {
      "<your Anthropic key>": FAKE_KEYS.anthropic,
      "<your OpenAI key>": FAKE_KEYS.openai,
      "<a Sluice key>": KEY,
      "https://api.anthropic.com": fake.baseUrls.anthropic,
      "https://api.openai.com/v1": fake.baseUrls.openai,
    });
    dir = await materialize("worker", {});
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const dev = await startWranglerDev({ cwd: dir, secrets: parseDevVars(devVars) });
    cleanup.push(() => dev.stop());
    url = dev.url;
  });

  test("the Anthropic SDK client streams a reply", async () => {
    const client = fill(await read("worker", "client.mjs"), {
      "http://localhost:8787": url,
      "<a Sluice key>": KEY,
    });
    await writeFile(join(dir, "client.mjs"), client);
    expect(await runNode(dir, "client.mjs")).toBe(replyText());
  });

  test("the Vercel AI SDK streams through Anthropic (/v1 base URL), OpenAI chat and OpenAI responses", async () => {
    const aiSdk = fill(await read("worker", "ai-sdk.mjs"), {
      "http://localhost:8787": url,
      "<a Sluice key>": KEY,
    });
    await writeFile(join(dir, "ai-sdk.mjs"), aiSdk);
    const lines = (await runNode(dir, "ai-sdk.mjs")).split("\n");
    expect(lines.slice(0, 3)).toEqual([replyText(), replyText(), replyText()]);
    const paths = fake.records.map((r) => r.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/anthropic/v1/messages",
        "/openai/v1/chat/completions",
        "/openai/v1/responses",
      ]),
    );
  });

  test("a call without a Sluice key is a 401 in Anthropic's error shape", async () => {
    const body = JSON.stringify({
      model: "claude-sonnet-4-6",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    const anonymous = await fetch(`${url}/anthropic/v1/messages`, { method: "POST", body });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });
});

describe("packages/cloudflare README: Usage", () => {
  let url: string;
  let output: () => string;

  beforeAll(async () => {
    const config = fill(await read("cloudflare", "wrangler.jsonc"), {
      "<wrangler kv namespace create CACHE>": "readme-cache",
      "<your Cloudflare account id>": "0123456789abcdef0123456789abcdef",
    });
    // The secrets the README tells the user to put, and only those, with a value for each.
    const values: Record<string, string> = {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      SLUICE_KEYS: KEY,
      SLUICE_ADMIN_KEY: ADMIN_KEY,
      R2_ACCESS_KEY_ID: "readme-r2-access-key-id",
      R2_SECRET_ACCESS_KEY: "readme-r2-secret-access-key",
    };
    const named = [...(await read("cloudflare", "secrets.sh")).matchAll(/wrangler secret put (\w+)/g)].map(
      (m) => m[1],
    );
    expect(named).toEqual(Object.keys(values));
    const dir = await materialize("cloudflare", { "wrangler.jsonc": config });
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const dev = await startWranglerDev({
      cwd: dir,
      secrets: values,
      vars: { ANTHROPIC_BASE_URL: fake.baseUrls.anthropic },
      testScheduled: true,
    });
    cleanup.push(() => dev.stop());
    url = dev.url;
    output = dev.output;
  });

  test("every route answers: a message, an upload URL, the admin API (was a 500 on every route)", async () => {
    const message = await fetch(`${url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(message.status).toBe(200);
    const reply = (await message.json()) as { content: Array<{ text: string }> };
    expect(reply.content).toEqual([expect.objectContaining({ text: replyText() })]);

    const upload = await fetch(`${url}/_sluice/uploads`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ filename: "notes.txt" }),
    });
    expect(upload.status).toBe(200);
    const answer = (await upload.json()) as { url: string; ref: string };
    expect(answer.url).toMatch(
      /^https:\/\/0123456789abcdef0123456789abcdef\.r2\.cloudflarestorage\.com\/sluice-objects\//,
    );
    expect(answer.ref).toMatch(/^sluice-object:\/\/uploads\//);

    const keys = await fetch(`${url}/_sluice/keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(keys.status).toBe(200);
  });

  test("Housekeeping: the cron trigger (wrangler dev --test-scheduled) logs one report line", async () => {
    const ran = await fetch(`${url}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
    expect(ran.status).toBe(200);
    let line: string | undefined;
    for (let i = 0; i < 300 && !line; i++) {
      line = output().match(/\{"event":"sluice\.housekeeping".*\}/)?.[0];
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    expect(JSON.parse(line ?? "null")).toMatchObject({
      cron: "17 * * * *",
      rolledUp: 0,
      pruned: 0,
      more: false,
    });
  });
});
