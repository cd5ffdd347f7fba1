// Part 2: property-based fuzzing (fast-check, fixed seed) of methods, paths, headers and bodies.
import { FAKE_KEYS } from "@sluice/fake-upstream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { errorShapeProblem, providerOfPath } from "../src/oracle.js";
import { rawRequest } from "../src/raw.js";
import { saveSection, table } from "../src/report.js";
import { upstreamProblem } from "../src/upstream-oracle.js";
import { ROUTES, clientAuth } from "../src/routes.js";
import { CLIENT_KEY, type Stack, startStack } from "../src/stack.js";

const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261115);
const MAX_BODY = 256 * 1024;
const SECRETS = [...Object.values(FAKE_KEYS), CLIENT_KEY];
console.log(`fuzz seed ${SEED} (SLUICE_FUZZ_SEED to change)`);

let stack: Stack;
/** Properties that held (the report only claims what passed). */
let held = 0;
const stats: Record<string, { runs: number; statuses: Map<string, number>; note: string }> = {};

beforeAll(async () => {
  stack = await startStack({ limits: { maxBodyBytes: MAX_BODY }, upstream: { retry: { maxRetries: 0 } } });
});
afterAll(async () => {
  await stack?.close();
  const rows = Object.entries(stats).map(([name, s]) => [
    name,
    s.runs,
    [...s.statuses]
      .sort()
      .map(([k, n]) => `${k}×${n}`)
      .join(", "),
    s.note,
  ]);
  saveSection("2-fuzz", {
    order: 2,
    title: "Bad input: property-based fuzzing",
    markdown: [
      `fast-check, seed **${SEED}** (rerun one with \`SLUICE_FUZZ_SEED=<n>\`), against \`createGateway\` over @hono/node-server`,
      `with \`limits.maxBodyBytes: ${MAX_BODY}\`. Every answer must be a 2xx/4xx (never a 5xx), every 4xx JSON in the provider's`,
      "error shape (OpenAI's for unknown prefixes), no provider key (FAKE_KEYS) or client key anywhere in the status line,",
      "headers or body, and `/healthz` must answer 200 after every property. What the upstream received is judged too:",
      "its own host, a path the provider's allow-list names (no `%2F`/`%5C`-encoded separator), the operator's key as the",
      "only credential, none of the client's identity, hop-by-hop or account headers. Answers written by node:http's own parser",
      "before Sluice sees the request (malformed raw requests) are counted as `node:<status>`: they carry no body at all.",
      "",
      table(["property", "runs", "statuses seen", "what varies"], rows),
      "",
      `${Object.values(stats).reduce((n, s) => n + s.runs, 0)} requests in all; ${held === 5 ? "all 5 properties held" : `only ${held} of 5 properties held (see the test output)`}.`,
    ].join("\n"),
  });
});

function tally(name: string, key: string, note: string) {
  stats[name] ??= { runs: 0, statuses: new Map(), note };
  const s = stats[name]!;
  s.runs++;
  s.statuses.set(key, (s.statuses.get(key) ?? 0) + 1);
}

/** The rules every answer obeys; throws (so fast-check shrinks) on the first broken one. */
function check(path: string, status: number, head: string, body: string) {
  const where = `${status} for ${path.slice(0, 200)}`;
  if (status >= 500 || status < 200) throw new Error(`status ${where}: ${body.slice(0, 200)}`);
  for (const secret of SECRETS) {
    if (head.includes(secret) || body.includes(secret)) throw new Error(`a key was echoed (${where})`);
  }
  if (status >= 400 && path) {
    const problem = errorShapeProblem(providerOfPath(path), body);
    if (problem) throw new Error(`${where}: ${problem}`);
  }
}

/** Every request the upstream received since `from` obeys the upstream oracle (host, path, headers). */
function checkUpstream(from: number, where: string) {
  const host = new URL(stack.fake.url).host;
  for (const record of stack.fake.records.slice(from)) {
    const problem = upstreamProblem(record, host, CLIENT_KEY);
    if (problem) throw new Error(`upstream received ${problem} (for ${where.slice(0, 200)})`);
  }
}

async function send(path: string, init: RequestInit) {
  const before = stack.fake.records.length;
  const response = await fetch(stack.url + path, { ...init, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  checkUpstream(before, `${init.method} ${path}`);
  // fetch resolves dot segments before sending ("/anthropic/.." is sent as "/"): judge by what was sent.
  path = new URL(stack.url + path).pathname;
  // A HEAD answer has no body by definition; its status and headers still obey the rules.
  if (init.method === "HEAD") {
    check("", response.status, JSON.stringify([...response.headers]), "");
    return response.status;
  }
  check(path, response.status, `${response.status} ${JSON.stringify([...response.headers])}`, body);
  return response.status;
}

async function stillUp() {
  expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
}

const segment = fc.oneof(
  fc.constantFrom(
    "..",
    ".",
    "%2e%2e",
    "%2F",
    "%00",
    "%ff",
    "%",
    "v1",
    "messages",
    "models",
    "chat",
    "completions",
    "~",
    "%E2%80%AE",
    "a:b",
    "gemini-2.5-flash:generateContent",
    "@",
    "?x=1",
    "#frag",
  ),
  fc.stringMatching(/^[A-Za-z0-9._~%:-]{0,24}$/),
);
const knownPath = fc.constantFrom(
  ...ROUTES.map((r) => r.path.replace("{model}", "gemini-2.5-flash")),
  "/openai/v1/models",
  "/anthropic/v1/models",
  "/healthz",
);
const fuzzPath = fc.oneof(
  knownPath,
  fc
    .tuple(
      fc.constantFrom(
        "anthropic",
        "openai",
        "gemini",
        "groq",
        "cerebras",
        "azure",
        "",
        "ANTHROPIC",
        "__proto__",
        "constructor",
      ),
      fc.array(segment, { maxLength: 8 }),
    )
    .map(([p, rest]) => `/${[p, ...rest].join("/")}`),
  fc
    .tuple(knownPath, fc.array(segment, { minLength: 1, maxLength: 4 }))
    .map(([p, rest]) => `${p}/${rest.join("/")}`),
  fc.integer({ min: 1000, max: 8000 }).map((n) => `/openai/v1/${"a/".repeat(n / 2)}`),
);
const method = fc.constantFrom(
  "GET",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "HEAD",
  "OPTIONS",
  "PROPFIND",
  "PROPPATCH",
);

describe("fuzz", () => {
  test("methods × paths (traversal, encodings, unknown providers, very long)", async () => {
    await fc.assert(
      fc.asyncProperty(method, fuzzPath, async (m, path) => {
        const provider = providerOfPath(path) || "openai";
        const body =
          m === "GET" || m === "HEAD" || m === "OPTIONS"
            ? undefined
            : JSON.stringify({ model: "gpt-4o-mini", messages: [] });
        const status = await send(path, {
          method: m,
          body,
          headers: { "content-type": "application/json", ...clientAuth(provider, CLIENT_KEY) },
        });
        tally(
          "methods × paths",
          String(status),
          "method, path (traversal, %-encodings, unknown/odd providers, up to 8 KB)",
        );
      }),
      { seed: SEED, numRuns: 300 },
    );
    await stillUp();
    held++;
  });

  test("encoded separators: allow-listed prefixes smuggling %2F segments never reach an unnamed endpoint", async () => {
    const prefix = fc.constantFrom(
      "/anthropic/v1/models/",
      "/anthropic/v1/files/",
      "/anthropic/v1/messages/batches/",
      "/openai/v1/models/",
      "/openai/v1/responses/",
      "/gemini/v1beta/models/",
    );
    const smuggled = fc.constantFrom(
      "x%2F..%2F..%2Fv1%2Fmessages",
      "x%2fcontent",
      "x%252F..%252Fmessages",
      "x%5C..%5Cmessages",
      "..%2F..%2Fadmin",
      "%2e%2e%2F%2e%2e%2Fv1%2Fcomplete",
      "gemini-2.5-flash%3AgenerateContent%2F..%2F..%2Fv1%2Fmodels",
    );
    await fc.assert(
      fc.asyncProperty(prefix, smuggled, fc.constantFrom("GET", "POST", "DELETE"), async (head, tail, m) => {
        const path = head + tail;
        const provider = providerOfPath(path) || "openai";
        const status = await send(path, {
          method: m,
          body: m === "POST" ? JSON.stringify({ model: "m", messages: [] }) : undefined,
          headers: { "content-type": "application/json", ...clientAuth(provider, CLIENT_KEY) },
        });
        tally("encoded separators", String(status), "allow-listed prefix + %2F/%5C/double-encoded tail");
      }),
      { seed: SEED, numRuns: 60 },
    );
    await stillUp();
    held++;
  });

  const route = fc.constantFrom(...ROUTES);
  test("headers (huge values, odd auth, duplicates via fetch)", async () => {
    const headerName = fc.constantFrom(
      "x-api-key",
      "authorization",
      "x-goog-api-key",
      "content-type",
      "content-length",
      "x-fake-fault",
      "accept-encoding",
      "host",
      "origin",
      "x-forwarded-for",
      "transfer-encoding",
      "x-sluice-failure",
      "x-long",
    );
    const headerValue = fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
      fc.integer({ min: 1, max: 12_000 }).map((n) => "v".repeat(n)),
      fc.constantFrom(
        "Bearer",
        "Bearer ",
        `Bearer ${CLIENT_KEY}, Bearer x`,
        FAKE_KEYS.openai,
        `Bearer ${FAKE_KEYS.anthropic}`,
        "gzip, br, zstd",
        "application/json; charset=utf-16",
        "status=500",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        route,
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
        async (r, extra) => {
          const headers = new Headers({
            "content-type": "application/json",
            ...clientAuth(r.provider, CLIENT_KEY),
          });
          for (const [name, value] of extra) {
            if (["content-length", "host", "transfer-encoding"].includes(name)) continue; // fetch forbids these; raw test covers them
            try {
              headers.append(name, value);
            } catch {}
          }
          const path = r.path.replace("{model}", "gemini-2.5-flash");
          let status: number | string;
          try {
            status = await send(path, { method: "POST", headers, body: JSON.stringify(r.body("m")) });
          } catch (error) {
            // Over node:http's 16 KB header limit: its own 431, no body; anything else is a failure.
            if (
              !String((error as Error).cause ?? error).includes("431") &&
              !(error as Error).message.startsWith("status 431")
            )
              throw error;
            status = "node:431";
          }
          tally(
            "headers",
            String(status),
            "extra headers: huge values (≤12 KB), keys of other providers, duplicates, odd content types",
          );
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
    await stillUp();
    held++;
  });

  test("raw requests: CRLF injection, duplicate auth headers, conflicting lengths (node:net)", async () => {
    const injection = fc.constantFrom(
      `x\r\nx-api-key: ${FAKE_KEYS.anthropic}`,
      "x\r\n\r\nGET /healthz HTTP/1.1\r\nhost: a",
      "x\nx-injected: 1",
      "x\rx-injected: 1",
      "x\u0000y",
      "%0d%0ax-injected: 1",
      "ok",
    );
    await fc.assert(
      fc.asyncProperty(
        route,
        injection,
        fc.boolean(),
        fc.constantFrom("none", "dup-cl", "cl+te", "short-cl"),
        async (r, inj, dupAuth, lengths) => {
          const path = r.path.replace("{model}", "gemini-2.5-flash");
          const body = JSON.stringify(r.body("m"));
          const auth = Object.entries(clientAuth(r.provider, CLIENT_KEY)).map(([k, v]) => `${k}: ${v}`);
          const lines = [
            `POST ${path} HTTP/1.1`,
            "host: 127.0.0.1",
            "content-type: application/json",
            "connection: close",
            ...auth,
          ];
          if (dupAuth) lines.push(...auth.map((l) => l.replace(CLIENT_KEY, "other-key")));
          lines.push(`x-note: ${inj}`);
          if (lengths === "dup-cl")
            lines.push(`content-length: ${body.length}`, `content-length: ${body.length + 5}`);
          else if (lengths === "cl+te")
            lines.push(`content-length: ${body.length}`, "transfer-encoding: chunked");
          else if (lengths === "short-cl") lines.push(`content-length: ${body.length - 3}`);
          else lines.push(`content-length: ${body.length}`);
          const answer = await rawRequest(
            stack.url,
            Buffer.from(`${lines.join("\r\n")}\r\n\r\n${body}`, "latin1"),
          );
          const ownParser =
            !/\r\nx-sluice-failure:/i.test(answer.head) &&
            !/content-type: application\/json/i.test(answer.head);
          if (ownParser && answer.status === 400 && answer.body === "") {
            tally(
              "raw requests",
              "node:400",
              "CRLF/LF/CR/NUL in values, duplicate auth headers, duplicate or conflicting content-length / transfer-encoding",
            );
            for (const s of SECRETS)
              if (answer.head.includes(s)) throw new Error("key echoed by node's parser answer");
            return;
          }
          check(path, answer.status, answer.head, answer.body);
          tally(
            "raw requests",
            String(answer.status),
            "CRLF/LF/CR/NUL in values, duplicate auth headers, duplicate or conflicting content-length / transfer-encoding",
          );
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
    await stillUp();
    held++;
  });

  test("bodies (malformed JSON, over maxBodyBytes, 100k-deep nesting, invalid UTF-8, wrong types, empty)", async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 200 }).map((s) => ({ kind: "random text", bytes: Buffer.from(s) })),
      fc.json({ maxDepth: 3 }).map((s) => ({ kind: "random JSON", bytes: Buffer.from(s) })),
      fc.constantFrom(
        { kind: "100k [", bytes: Buffer.from("[".repeat(100_000)) },
        { kind: "100k [ ]", bytes: Buffer.from("[".repeat(100_000) + "]".repeat(100_000)) },
        {
          kind: "40k nested objects",
          bytes: Buffer.from(`{"model":"m","a":${'{"a":'.repeat(40_000)}1${"}".repeat(40_000)}}`),
        },
        {
          kind: "invalid UTF-8",
          bytes: Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]),
        },
        { kind: "UTF-16 BOM", bytes: Buffer.from("\ufeff{}", "utf16le") },
        { kind: "empty", bytes: Buffer.alloc(0) },
        { kind: "null", bytes: Buffer.from("null") },
        { kind: "over maxBodyBytes", bytes: Buffer.from(`{"model":"m","x":"${"x".repeat(MAX_BODY)}"}`) },
      ),
    );
    const contentType = fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "multipart/form-data; boundary=x",
      "",
      "application/vnd.api+json",
      "application/jsonx",
    );
    await fc.assert(
      fc.asyncProperty(route, body, contentType, fc.boolean(), async (r, { kind, bytes }, type, chunked) => {
        const path = r.path.replace("{model}", "gemini-2.5-flash");
        // One connection per request (node:net): an early 413 closes the socket while the body is still being sent.
        const auth = Object.entries(clientAuth(r.provider, CLIENT_KEY)).map(([k, v]) => `${k}: ${v}`);
        const lines = [`POST ${path} HTTP/1.1`, "host: 127.0.0.1", "connection: close", ...auth];
        if (type) lines.push(`content-type: ${type}`);
        // chunked: no content-length, so the gateway must bound the read itself.
        lines.push(chunked ? "transfer-encoding: chunked" : `content-length: ${bytes.length}`);
        const framed = chunked
          ? Buffer.concat([
              Buffer.from(bytes.length ? `${bytes.length.toString(16)}\r\n` : ""),
              bytes,
              Buffer.from(bytes.length ? "\r\n0\r\n\r\n" : "0\r\n\r\n"),
            ])
          : bytes;
        const answer = await rawRequest(
          stack.url,
          Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), framed]),
        );
        check(path, answer.status, answer.head, answer.body);
        const status = answer.status;
        tally(
          "bodies",
          `${status}`,
          "random text/JSON, 100k-deep arrays, 40k-deep objects, invalid UTF-8, UTF-16, empty, > maxBodyBytes (declared and chunked), content types",
        );
        // Too large and the wrong type: either refusal is right (without a declared length the type is checked first).
        if (kind === "over maxBodyBytes" && status !== 413 && !(status === 415 && !/json/.test(type)))
          throw new Error(`an oversized body got ${status}, not 413`);
      }),
      { seed: SEED, numRuns: 200 },
    );
    await stillUp();
    held++;
  });
});
