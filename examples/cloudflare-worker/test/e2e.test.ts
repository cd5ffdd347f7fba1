// The example end to end: `wrangler dev` (workerd, local DO/KV/R2/Analytics Engine) runs src/index.ts, the
// fake upstream stands in for the providers, and the official SDKs are the clients, with only `baseURL`
// changed. Secrets reach wrangler through a temporary env file, settings through --var.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, type FakeUpstream, replyText, startFakeUpstream } from "@sluice/fake-upstream";
import OpenAI from "openai";
import { streamText } from "ai";
import { unstable_readConfig } from "wrangler";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWranglerDev } from "../scripts/local.mjs";

const LIMIT = 20;
const KEYS = {
  main: "sk-sluice-e2e-main",
  cache: "sk-sluice-e2e-cache",
  limited: "sk-sluice-e2e-limited",
  burst: "sk-sluice-e2e-burst",
  session: "sk-sluice-e2e-session",
  other: "sk-sluice-e2e-other",
  ai: "sk-sluice-e2e-ai-sdk",
};
const R2_SECRET = "e2e-r2-secret-access-key-never-shown";
const ADMIN_KEY = "sk-sluice-e2e-admin-never-shown";
const HANDBOOK = `The Sluice handbook. ${"Long context lives in R2. ".repeat(100)}`;

let fake: FakeUpstream;
let dev: Awaited<ReturnType<typeof startWranglerDev>>;
let scratch: string;
/** Everything the clients saw: bodies and headers of every response. */
const seen: string[] = [];

/** fetch for the SDKs that also keeps a copy of each response for the leak check. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  seen.push(JSON.stringify([...response.headers]));
  response
    .clone()
    .text()
    .then((text) => seen.push(text))
    .catch(() => {});
  return response;
};

const anthropic = (apiKey: string) =>
  new Anthropic({ apiKey, baseURL: `${dev.url}/anthropic`, maxRetries: 0, fetch: recordingFetch });
const openai = (apiKey: string) =>
  new OpenAI({ apiKey, baseURL: `${dev.url}/openai/v1`, maxRetries: 0, fetch: recordingFetch });
const ask = (text: string) => ({
  model: "claude-sonnet-4-6",
  max_tokens: 64,
  messages: [{ role: "user" as const, content: text }],
});
const upstream = (marker: string) => fake.records.filter((r) => r.body?.includes(marker));

beforeAll(async () => {
  fake = await startFakeUpstream();
  scratch = await mkdtemp(join(tmpdir(), "sluice-e2e-"));
  const handbook = join(scratch, "handbook.txt");
  await writeFile(handbook, HANDBOOK);
  dev = await startWranglerDev({
    secrets: {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      OPENAI_API_KEY: FAKE_KEYS.openai,
      GEMINI_API_KEY: FAKE_KEYS.gemini,
      GROQ_API_KEY: FAKE_KEYS.groq,
      CEREBRAS_API_KEY: FAKE_KEYS.cerebras,
      SLUICE_KEYS: Object.values(KEYS).join(","),
      R2_ACCESS_KEY_ID: "e2e-r2-access-key-id",
      R2_SECRET_ACCESS_KEY: R2_SECRET,
      SLUICE_ADMIN_KEY: ADMIN_KEY,
    },
    vars: {
      ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
      OPENAI_BASE_URL: fake.baseUrls.openai,
      GEMINI_BASE_URL: fake.baseUrls.gemini,
      GROQ_BASE_URL: fake.baseUrls.groq,
      CEREBRAS_BASE_URL: fake.baseUrls.cerebras,
      SLUICE_RATE_LIMIT: `${LIMIT}/3600s`,
    },
    objects: { "shared/handbook.txt": { file: handbook, contentType: "text/plain" } },
    testScheduled: true,
  });
});

afterAll(async () => {
  await dev?.stop();
  await fake?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("wrangler.toml", () => {
  test("binds what the README promises and keeps every secret out of [vars]", () => {
    type Named = { name: string; class_name: string; binding: string };
    const config = unstable_readConfig({
      config: join(import.meta.dirname, "..", "wrangler.toml"),
    }) as unknown as {
      vars: Record<string, unknown>;
      durable_objects: { bindings: Named[] };
      migrations: unknown[];
      kv_namespaces: Named[];
      r2_buckets: Named[];
      analytics_engine_datasets: Named[];
      triggers: { crons?: string[] };
      compatibility_flags: string[];
    };
    const secrets = [
      ...["ANTHROPIC", "OPENAI", "GEMINI", "GROQ", "CEREBRAS"].map((p) => `${p}_API_KEY`),
      "SLUICE_KEYS",
      "SLUICE_ADMIN_KEY",
      "R2_ACCESS_KEY_ID",
      "R2_SECRET_ACCESS_KEY",
    ];
    for (const name of secrets) expect(Object.keys(config.vars)).not.toContain(name);
    expect(config.durable_objects.bindings.map((b) => [b.name, b.class_name])).toEqual([
      ["RATE_LIMITER", "SluiceRateLimiter"],
      ["SESSIONS", "SluiceSessions"],
      ["KEYS", "SluiceKeys"],
      ["USAGE", "SluiceUsage"],
    ]);
    expect(config.migrations).toEqual([
      { tag: "v1", new_sqlite_classes: ["SluiceRateLimiter", "SluiceSessions"] },
      { tag: "v2", new_sqlite_classes: ["SluiceKeys", "SluiceUsage"] },
    ]);
    expect(config.kv_namespaces.map((k) => k.binding)).toEqual(["CACHE"]);
    expect(config.r2_buckets.map((b) => b.binding)).toEqual(["OBJECTS"]);
    expect(config.analytics_engine_datasets.map((d) => d.binding)).toEqual(["METRICS"]);
    expect(config.triggers.crons).toEqual(["17 * * * *"]); // housekeeping, hourly
    expect(config.compatibility_flags).toEqual([]);
  });
});

describe("examples/cloudflare-worker under wrangler dev", () => {
  test("Anthropic SDK: non-streamed and streamed", async () => {
    const client = anthropic(KEYS.main);
    const message = await client.messages.create(ask(`plain ${crypto.randomUUID()}`));
    expect(message.content[0]).toEqual({ type: "text", text: replyText(5) });
    const stream = client.messages.stream(ask(`stream ${crypto.randomUUID()}`));
    const deltas: string[] = [];
    stream.on("text", (delta) => deltas.push(delta));
    expect(await stream.finalText()).toBe(replyText(5));
    expect(deltas.length).toBe(5);
  });

  test("OpenAI SDK: non-streamed and streamed with a usage chunk", async () => {
    const client = openai(KEYS.main);
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `plain ${crypto.randomUUID()}` }],
    });
    expect(completion.choices[0]?.message.content).toBe(replyText(5));
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `stream ${crypto.randomUUID()}` }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage ??= chunk.usage ?? undefined;
    }
    expect(text).toBe(replyText(5));
    expect(usage).toMatchObject({ completion_tokens: 15 });
  });

  test("Vercel AI SDK: @ai-sdk/anthropic (…/anthropic/v1), @ai-sdk/openai chat and responses, streamed", async () => {
    const anthropicAi = createAnthropic({
      baseURL: `${dev.url}/anthropic/v1`,
      apiKey: KEYS.ai,
      fetch: recordingFetch,
    });
    const openaiAi = createOpenAI({
      baseURL: `${dev.url}/openai/v1`,
      apiKey: KEYS.ai,
      fetch: recordingFetch,
    });
    const models = [
      anthropicAi("claude-sonnet-4-6"),
      openaiAi.chat("gpt-4.1-mini"),
      openaiAi("gpt-4.1-mini"),
    ];
    for (const [i, model] of models.entries()) {
      const marker = `ai-sdk ${i} ${crypto.randomUUID()}`;
      let text = "";
      for await (const delta of streamText({ model, prompt: marker, maxRetries: 0 }).textStream)
        text += delta;
      expect(text).toBe(replyText());
      expect(upstream(marker).map((r) => r.path)).toEqual([
        ["/anthropic/v1/messages", "/openai/v1/chat/completions", "/openai/v1/responses"][i],
      ]);
    }
  });

  test("a repeated non-streamed call is answered from KV (x-sluice-cache: HIT), once upstream", async () => {
    const client = anthropic(KEYS.cache);
    const marker = crypto.randomUUID();
    const first = await client.messages.create(ask(`cache ${marker}`)).withResponse();
    expect(first.response.headers.get("x-sluice-cache")).toBe("MISS");
    // The KV write happens in waitUntil after the response; a few repeats at most.
    let hit: typeof first.data | undefined;
    for (let i = 0; i < 10 && !hit; i++) {
      const again = await client.messages.create(ask(`cache ${marker}`)).withResponse();
      if (again.response.headers.get("x-sluice-cache") === "HIT") hit = again.data;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(hit).toEqual(first.data);
    expect(upstream(`cache ${marker}`).length).toBeLessThan(11);
  });

  test(`once a key's ${LIMIT} tokens are spent: 429 with retry-after`, async () => {
    const client = anthropic(KEYS.limited);
    for (let i = 0; i < LIMIT; i++) await client.messages.create(ask(`limited ${i} ${crypto.randomUUID()}`));
    const error = await client.messages.create(ask("one too many")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const limited = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(Number(limited.headers?.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers?.get("x-sluice-failure")).toBe("rate_limited");
  });

  test(`200 concurrent requests on one key: exactly ${LIMIT} succeed and reach upstream`, async () => {
    const client = openai(KEYS.burst);
    const marker = crypto.randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        client.chat.completions.create({
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: `burst ${marker} ${i}` }],
        }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(ok).toHaveLength(LIMIT);
    expect(refused).toHaveLength(200 - LIMIT);
    for (const reason of refused) expect((reason as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect(upstream(`burst ${marker}`)).toHaveLength(LIMIT);
  });

  test("R2 hydration: a sluice-object:// document is filled from the bucket before forwarding", async () => {
    const client = anthropic(KEYS.main);
    const marker = crypto.randomUUID();
    const message = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [
        {
          role: "user",
          content: [
            {
              type: "document",
              source: { type: "text", media_type: "text/plain", data: "sluice-object://shared/handbook.txt" },
            },
            { type: "text", text: `summarise ${marker}` },
          ],
        },
      ],
    });
    expect(message.type).toBe("message");
    const [record] = upstream(`summarise ${marker}`);
    const sent = JSON.parse(record!.body!);
    expect(sent.messages[0].content[0].source.data).toBe(HANDBOOK);
    const missing = await client.messages
      .create(ask("sluice-object://shared/nope.txt"))
      .catch((e: unknown) => e);
    // A string content is not a reference (only blocks are): it is forwarded as is.
    expect(missing).not.toBeInstanceOf(Error);
    const refused = await client.messages
      .create({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: [{ type: "text", text: "sluice-object://shared/nope.txt" }] }],
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as Error).message).toContain("shared/nope.txt");
  });

  test("uploads: POST /_sluice/uploads hands out a pre-signed R2 PUT URL", async () => {
    const response = await recordingFetch(`${dev.url}/_sluice/uploads`, {
      method: "POST",
      headers: { "x-api-key": KEYS.main, "content-type": "application/json" },
      body: JSON.stringify({ filename: "notes.txt" }),
    });
    expect(response.status).toBe(200);
    const ticket = (await response.json()) as { key: string; ref: string; url: string; expiresAt: string };
    expect(ticket.key).toMatch(/^uploads\/key_[0-9a-f]{12}\/.+\/notes\.txt$/);
    expect(ticket.ref).toBe(`sluice-object://${ticket.key}`);
    expect(new URL(ticket.url).searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  test("sessions: the client sends only the new message, Sluice keeps the history", async () => {
    const client = anthropic(KEYS.session);
    const headers = { "x-sluice-session": `e2e-${crypto.randomUUID()}` };
    const marker = crypto.randomUUID();
    const first = client.messages.stream(ask(`first ${marker}`), { headers });
    expect(await first.finalText()).toBe(replyText(5));
    // The turn is stored before the stream's end reaches the client: the next call sees it at once.
    const second = await client.messages.create(ask(`second ${marker}`), { headers }).withResponse();
    expect(second.response.headers.get("x-sluice-session-messages")).toBe("2");
    const sent = JSON.parse(upstream(`second ${marker}`).at(-1)!.body!);
    expect(sent.messages).toEqual([
      { role: "user", content: `first ${marker}` },
      { role: "assistant", content: [{ type: "text", text: replyText(5) }] },
      { role: "user", content: `second ${marker}` },
    ]);
  });

  test("managed key (KEYS Durable Object): a 700-token budget runs out with 429 budget_exceeded; revoked: 401", async () => {
    const admin = (path: string, init: RequestInit = {}) =>
      recordingFetch(`${dev.url}/_sluice/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      });
    const created = await admin("keys", {
      method: "POST",
      body: JSON.stringify({ name: "e2e", budget: { tokens: 700, window: "day" }, rateLimit: "100/60s" }),
    });
    expect(created.status).toBe(201);
    const { key, record } = (await created.json()) as { key: string; record: { id: string } };
    const client = anthropic(key);
    const headers = { "x-fake-usage": "input=100,output=200", "cache-control": "no-cache" };
    const call = (text: string) => client.messages.create({ ...ask(text), max_tokens: 200 }, { headers });
    // Each call settles to 300 tokens in waitUntil (the usage counters show when it has): after two, 100 are
    // left, less than the third call's 200-token output cap alone.
    for (let i = 1; i <= 2; i++) {
      await call(`budget ${i} ${crypto.randomUUID()}`);
      for (let t = 0; t < 100; t++) {
        const usage = (await (await admin(`usage?key=${record.id}`)).json()) as {
          total: { requests: number };
        };
        if (usage.total.requests === i) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const spent = await call("over budget").catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(Anthropic.RateLimitError);
    expect((spent as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("x-sluice-failure")).toBe(
      "budget_exceeded",
    );
    expect((await admin(`keys/${record.id}`, { method: "DELETE" })).status).toBe(200);
    const revoked = await call("revoked").catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  test("no provider key (or the R2 secret) in anything the clients or wrangler's logs saw", async () => {
    // An upstream refusal of the operator's key: OpenAI's error would echo it; Sluice must not.
    const refused = await openai(KEYS.main)
      .chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] },
        { headers: { "x-fake-fault": "status=401" } },
      )
      .catch((e: unknown) => e);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    // The keys were in use: the fake upstream received them.
    expect(
      fake.records.some(
        (r) =>
          r.headers["x-api-key"] === FAKE_KEYS.anthropic ||
          r.headers.authorization === `Bearer ${FAKE_KEYS.anthropic}`,
      ),
    ).toBe(true);
    expect(fake.records.some((r) => r.headers.authorization === `Bearer ${FAKE_KEYS.openai}`)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the last response copies settle
    const logs = [dev.output()];
    for (const file of await readdir(dev.logFiles).catch(() => []))
      logs.push(await readFile(join(dev.logFiles, file), "utf8"));
    expect(dev.output()).toContain("POST /anthropic/v1/messages");
    expect(logs.length).toBeGreaterThan(1); // wrangler's output and at least one log file were read
    for (const text of [...seen, ...logs]) {
      for (const secret of [...Object.values(FAKE_KEYS), R2_SECRET, ADMIN_KEY])
        expect(text).not.toContain(secret);
    }
    expect(seen.length).toBeGreaterThan(200);
  });
});

// Last: the later runs act as if 10 and 500 days had passed, so they roll up and then delete every usage row
// the suite wrote.
describe("housekeeping: the cron trigger under wrangler dev --test-scheduled", () => {
  const DAY_MS = 86_400_000;
  const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);
  const admin = (path: string) =>
    fetch(`${dev.url}/_sluice/${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  type Totals = { requests: number; inputTokens: number; outputTokens: number; costNanoUsd: number };
  const usageOn = async (id: string, day: string) =>
    ((await (await admin(`usage?key=${id}&day=${day}`)).json()) as { total: Totals }).total;
  /** The housekeeping reports the Worker logged, in order (one JSON line per run). */
  const reports = () =>
    dev
      .output()
      .split("\n")
      .flatMap((line) => {
        const at = line.indexOf('{"event":"sluice.housekeeping"');
        return at < 0 ? [] : [JSON.parse(line.slice(at)) as Record<string, unknown>];
      });
  const nextReport = async (seen: number) => {
    for (let i = 0; i < 300 && reports().length <= seen; i++) await new Promise((r) => setTimeout(r, 20));
    expect(reports()).toHaveLength(seen + 1);
    return reports()[seen]!;
  };
  /** The key's rows as the SluiceUsage objects hold them on disk (the admin API sums whole days only). */
  const storedHours = async (id: string) => {
    const dir = join(dev.state, "v3", "do", "sluice-SluiceUsage");
    const hours: string[] = [];
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".sqlite"))) {
      const db = new DatabaseSync(join(dir, file), { readOnly: true });
      try {
        const rows = db.prepare("SELECT DISTINCT hour, model FROM usage_rows WHERE key_id = ?").all(id) as {
          hour: string;
          model: string;
        }[];
        hours.push(...rows.map((r) => `${r.model} ${r.hour}`));
      } catch {
        // the index object has no usage_rows rows of its own; a table still being created reads as none
      } finally {
        db.close();
      }
    }
    return hours.sort();
  };

  test("GET /__scheduled runs the housekeeping; 10 days on, a day is one T00 row per model; 500 days on, gone", async () => {
    const created = await fetch(`${dev.url}/_sluice/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "housekeeping" }),
    });
    const { key, record } = (await created.json()) as { key: string; record: { id: string } };
    const headers = { "x-fake-usage": "input=40,output=60", "cache-control": "no-cache" };
    await anthropic(key).messages.create(ask(`hk ${crypto.randomUUID()}`), { headers });
    await openai(key).chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: `hk ${crypto.randomUUID()}` }] },
      { headers },
    );
    const today = dayOf(Date.now());
    let before = await usageOn(record.id, today);
    for (let i = 0; i < 100 && before.requests < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      before = await usageOn(record.id, today);
    }
    expect(before).toMatchObject({ requests: 2, inputTokens: 80, outputTokens: 120 });
    const hourly = await storedHours(record.id);
    // One row per model, at this hour (or the two hours the calls straddled).
    expect(new Set(hourly.map((h) => h.split(" ")[0]))).toEqual(
      new Set(["claude-sonnet-4-6", "gpt-4o-mini"]),
    );

    // The documented trigger, at the real time: today's rows are younger than 7 days, nothing changes.
    const ran = await fetch(`${dev.url}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
    expect(await ran.text()).toBe("Ran scheduled event");
    expect(await nextReport(0)).toMatchObject({
      cron: "17 * * * *",
      rolledUp: 0,
      rolledUpBefore: dayOf(Date.now() - 7 * DAY_MS),
      pruned: 0,
      prunedBefore: dayOf(Date.now() - 400 * DAY_MS),
      more: false,
    });
    expect(await storedHours(record.id)).toEqual(hourly);

    // miniflare's own trigger takes the event's scheduledTime: 10 days on, today is past the 7 hourly days.
    const later = (days: number) =>
      fetch(
        `${dev.url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("17 * * * *")}&time=${Date.now() + days * DAY_MS}`,
      );
    expect(await (await later(10)).text()).toBe("ok");
    const rolled = await nextReport(1);
    expect(rolled).toMatchObject({ rolledUpBefore: dayOf(Date.now() + 3 * DAY_MS), pruned: 0, more: false });
    const folded = hourly.filter((h) => !h.endsWith("T00")).length;
    expect(rolled.rolledUp).toBeGreaterThanOrEqual(folded); // every key's rows of today, ours among them
    expect(await storedHours(record.id)).toEqual([
      `claude-sonnet-4-6 ${today}T00`,
      `gpt-4o-mini ${today}T00`,
    ]);
    expect(await usageOn(record.id, today)).toEqual(before);

    expect(await (await later(500)).text()).toBe("ok");
    expect(await nextReport(2)).toMatchObject({
      prunedBefore: dayOf(Date.now() + 100 * DAY_MS),
      more: false,
    });
    expect((await nextReport(2)).pruned).toBeGreaterThanOrEqual(2);
    expect(await storedHours(record.id)).toEqual([]);
    expect(await usageOn(record.id, today)).toMatchObject({ requests: 0, inputTokens: 0, costNanoUsd: 0 });
    // The reports carry counts and dates only.
    for (const secret of [...Object.values(FAKE_KEYS), R2_SECRET, ADMIN_KEY, key])
      expect(JSON.stringify(reports())).not.toContain(secret);
  });
});
