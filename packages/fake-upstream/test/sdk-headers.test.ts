// Observes which request headers each official SDK really sends (as the fake records them) and
// prints them as markdown. `UPDATE_SDK_HEADERS=1 pnpm test` rewrites SDK-HEADERS.md from this
// output, so that file is always an observation, never a recollection.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { FAKE_KEYS, type FakeRecord } from "../src/index.js";
import { useFake } from "./helpers.js";

const ctx = useFake();
const pkg = fileURLToPath(new URL("..", import.meta.url));
const version = (name: string) =>
  (JSON.parse(readFileSync(join(pkg, "node_modules", name, "package.json"), "utf8")) as { version: string })
    .version;
/** Differ per machine or per request; shown, but flagged. */
const VOLATILE = new Set([
  "host",
  "content-length",
  "x-stainless-os",
  "x-stainless-arch",
  "x-stainless-runtime-version",
]);

function table(records: FakeRecord[]): string {
  const names = [...new Set(records.flatMap((r) => Object.keys(r.headers)))].sort();
  const rows = names.map((n) => {
    const values = [...new Set(records.map((r) => r.headers[n] ?? "—"))];
    const shown = values
      .map((v) => `\`${v.replace(/(Bearer |^)(sk-|AIza|gsk_|csk-)\S+/, "$1$2…")}\``)
      .join(" / ");
    return `| \`${n}\` | ${shown}${VOLATILE.has(n) ? " _(varies)_" : ""} |`;
  });
  const calls = records.map(
    (r) => `\`${r.method} ${r.path}${r.query["alt"] ? `?alt=${r.query["alt"]}` : ""}\``,
  );
  return [`Calls: ${calls.join(", ")}`, "", "| header | value(s) |", "|---|---|", ...rows].join("\n");
}

describe("headers the official SDKs send", () => {
  it("observes Anthropic, OpenAI and Gemini SDK requests and documents them", async () => {
    const sections: string[] = [];
    const user = [{ role: "user" as const, content: "hi" }];

    const anthropic = new Anthropic({
      apiKey: FAKE_KEYS.anthropic,
      baseURL: ctx.fake.baseUrls.anthropic,
      maxRetries: 0,
    });
    await anthropic.messages.create({ model: "claude-sonnet-5", max_tokens: 16, messages: user });
    await anthropic.messages
      .stream({ model: "claude-sonnet-5", max_tokens: 16, messages: user })
      .finalMessage();
    const a = ctx.fake.records.filter((r) => r.provider === "anthropic");
    expect(a[0]!.headers["authorization"]).toBe(`Bearer ${FAKE_KEYS.anthropic}`);
    expect(a[0]!.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(a[1]!.headers["x-stainless-helper-method"]).toBe("stream");
    sections.push(`## @anthropic-ai/sdk ${version("@anthropic-ai/sdk")}\n\n${table(a)}`);

    const openai = new OpenAI({ apiKey: FAKE_KEYS.openai, baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 });
    await openai.chat.completions.create({ model: "gpt-4o-mini", messages: user });
    await openai.chat.completions.stream({ model: "gpt-4o-mini", messages: user }).finalChatCompletion();
    await openai.responses.create({ model: "gpt-4.1", input: "hi" });
    const o = ctx.fake.records.filter((r) => r.provider === "openai");
    expect(o.every((r) => r.headers["authorization"] === `Bearer ${FAKE_KEYS.openai}`)).toBe(true);
    expect(o[0]!.headers["x-stainless-lang"]).toBe("js");
    sections.push(`## openai ${version("openai")}\n\n${table(o)}`);

    const genai = new GoogleGenAI({
      apiKey: FAKE_KEYS.gemini,
      httpOptions: { baseUrl: ctx.fake.baseUrls.gemini },
    });
    await genai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    for await (const _ of await genai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "hi",
    })) {
      // drain
    }
    const g = ctx.fake.records.filter((r) => r.provider === "gemini");
    expect(g[0]!.headers["x-goog-api-key"]).toBe(FAKE_KEYS.gemini);
    expect(g[0]!.headers["x-goog-api-client"]).toContain(`google-genai-sdk/${version("@google/genai")}`);
    sections.push(`## @google/genai ${version("@google/genai")}\n\n${table(g)}`);

    const doc = [
      "# Headers the official SDKs send",
      "",
      "Observed by the fake upstream (`test/sdk-headers.test.ts`, regenerate with",
      "`UPDATE_SDK_HEADERS=1 pnpm --filter @sluice/fake-upstream test`), not written from memory.",
      `Node ${process.version}. Keys are elided. _(varies)_ marks values that depend on the machine or the request.`,
      "",
      "Notable: the Anthropic SDK authenticates with `Authorization: Bearer <key>` (not `x-api-key`);",
      "@google/genai calls `/v1/…` (not `/v1beta/…`) unless `apiVersion` is set; the OpenAI SDK asks",
      'for `encoding_format: "base64"` embeddings by default (visible in bodies, not headers).',
      "",
      sections.join("\n\n"),
      "",
    ].join("\n");
    console.log(doc);
    if (process.env["UPDATE_SDK_HEADERS"] === "1") writeFileSync(join(pkg, "SDK-HEADERS.md"), doc);
  });
});
