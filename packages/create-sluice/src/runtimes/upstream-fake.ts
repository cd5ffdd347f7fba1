/**
 * The test scaffolding every generated project gets: test keys, request helpers, and a small stand-in for
 * the providers (Node `http`), answering in each provider's wire format and refusing any key but its own.
 */
import { CHAT_ROUTES, PROVIDERS } from "../providers.js";
import type { Files } from "./files.js";

const names = Object.keys(PROVIDERS);
const chats = Object.entries(CHAT_ROUTES).map(([name, route]) => ({ name, ...route! }));

/** How each chat format's SDK sends its key, and the smallest body it accepts (as template source). */
const CLIENT = {
  anthropic: '{ "x-api-key": key, "anthropic-version": "2023-06-01" }, { ...chat, max_tokens: 16 }',
  openai: `{ authorization: \`Bearer \${key}\` }, chat`,
};

const KEYS = `// Keys the tests use. Upstream keys are what the stand-in providers accept; client keys are Sluice keys.
export const UPSTREAM_KEYS = {
${names.map((name) => `  ${name}: "test-upstream-key-${name}-0001",`).join("\n")}
};
/** One client key per test that counts something, so their rate-limit buckets never meet. */
export const CLIENT_KEYS = {
  main: "sk-client-main",
  stream: "sk-client-stream",
  limited: "sk-client-limited",
  cache: "sk-client-cache",
  sdk: "sk-client-sdk",
};
export const ADMIN_KEY = "sk-admin-test-long-and-random";
`;

const REQUESTS = `// One call per provider, shaped as that provider's SDK sends it, with the Sluice key where the SDK puts its key.
export const REPLY = "Hello from the stand-in provider.";

type Fetcher = { fetch(request: Request): Promise<Response> };

export function call(worker: Fetcher, provider: string, key: string, extra: Record<string, unknown> = {}) {
  const { stream, ...rest } = extra;
  const chat = { model: "test-model", messages: [{ role: "user", content: "hi" }], ...(stream ? { stream } : {}), ...rest };
  const routes: Record<string, [string, Record<string, string>, object]> = {
${chats.map((c) => `    ${c.name}: ["${c.path}", ${CLIENT[c.shape]}],`).join("\n")}
    gemini: [
      stream ? "/gemini/v1beta/models/gemini-test:streamGenerateContent?alt=sse" : "/gemini/v1beta/models/gemini-test:generateContent",
      { "x-goog-api-key": key },
      { contents: [{ role: "user", parts: [{ text: "hi" }] }], ...rest },
    ],
  };
  const [path, auth, body] = routes[provider] ?? routes.openai!;
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [name, value] of Object.entries(auth)) if (key) headers[name] = value;
  return worker.fetch(new Request(\`https://gw.test\${path}\`, { method: "POST", headers, body: JSON.stringify(body) }));
}
`;

const UPSTREAM = `// A stand-in for the providers (Node http): each provider's wire format, and a 401 for any key but its own.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { UPSTREAM_KEYS } from "./keys.EXT";
import { REPLY } from "./requests.EXT";

type Provider = keyof typeof UPSTREAM_KEYS;
type Shape = "anthropic" | "openai" | "gemini";
/** Each chat route on the stand-in, with its provider and wire format. */
const CHATS: Record<string, [Provider, Shape]> = {
${chats.map((c) => `  "${c.path}": ["${c.name}", "${c.shape}"],`).join("\n")}
};
const usage = { input_tokens: 3, output_tokens: 5 };
const sse = (events: unknown[]) => events.map((e) => \`data: \${typeof e === "string" ? e : JSON.stringify(e)}\\n\\n\`).join("");

function routeOf(path: string): [Provider, Shape] | undefined {
  if (path.startsWith("/gemini/v1beta/models/")) return ["gemini" as Provider, "gemini"];
  return CHATS[path];
}

function keyOf(req: IncomingMessage, shape: Shape): string | undefined {
  if (shape === "anthropic") return req.headers["x-api-key"] as string | undefined;
  if (shape === "gemini") return req.headers["x-goog-api-key"] as string | undefined;
  return req.headers.authorization?.replace(/^Bearer /, "");
}

function answer(shape: Shape, stream: boolean, res: ServerResponse) {
  if (shape === "anthropic") {
    const message = { id: "msg_test", type: "message", role: "assistant", model: "test-model", content: [] as object[], stop_reason: null, usage };
    if (!stream) return json(res, 200, { ...message, content: [{ type: "text", text: REPLY }], stop_reason: "end_turn" });
    const events = [
      ["message_start", { type: "message_start", message }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: REPLY } }],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 5 } }],
      ["message_stop", { type: "message_stop" }],
    ];
    res.writeHead(200, { "content-type": "text/event-stream" });
    return res.end(events.map(([name, data]) => \`event: \${name}\\ndata: \${JSON.stringify(data)}\\n\\n\`).join(""));
  }
  if (shape === "gemini") {
    const reply = { candidates: [{ content: { role: "model", parts: [{ text: REPLY }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 5, totalTokenCount: 8 } };
    if (!stream) return json(res, 200, reply);
    res.writeHead(200, { "content-type": "text/event-stream" });
    return res.end(sse([reply]));
  }
  const base = { id: "chatcmpl-test", created: 1, model: "test-model" };
  const counts = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
  if (!stream) {
    return json(res, 200, { ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: REPLY }, finish_reason: "stop" }], usage: counts });
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = (delta: object, finish: string | null) => ({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
  res.end(sse([chunk({ role: "assistant", content: REPLY }, null), { ...chunk({}, "stop"), usage: counts }, "[DONE]"]));
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Starts the stand-in on a free loopback port; base URLs in the shape of each provider's real one. */
export async function startUpstream() {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      const route = routeOf(path);
      if (!route || req.method !== "POST") return json(res, 404, { error: { message: \`no route \${path}\` } });
      const [provider, shape] = route;
      if (keyOf(req, shape) !== UPSTREAM_KEYS[provider]) return json(res, 401, { error: { message: "invalid key" } });
      const stream = JSON.parse(body || "{}").stream === true || (req.url ?? "").includes("streamGenerateContent");
      answer(shape, stream, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const url = \`http://127.0.0.1:\${port}\`;
  const baseUrls: Record<string, string> = {
${names.map((name) => `    ${name}: \`\${url}${CHAT_ROUTES[name as keyof typeof CHAT_ROUTES]?.base ?? `/${name}`}\`,`).join("\n")}
  };
  return { baseUrls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
`;

const GLOBAL_SETUP = `// Node side of the tests: starts the stand-in providers and hands their base URLs to the Worker's config.
import type { TestProject } from "vitest/node";
import { startUpstream } from "./upstream.js";

declare module "vitest" {
  export interface ProvidedContext {
    upstream: { baseUrls: Record<string, string> };
  }
}

export default async function setup(project: TestProject) {
  const upstream = await startUpstream();
  project.provide("upstream", { baseUrls: upstream.baseUrls });
  return () => upstream.close();
}
`;

/**
 * The shared test files, for every runtime that runs its gateway in a test. `ext` is how relative imports end:
 * ".js" for TypeScript's bundler resolution, ".ts" for Deno.
 */
export function upstreamFake(ext: ".js" | ".ts"): Files {
  return {
    "test/keys.ts": KEYS,
    "test/requests.ts": REQUESTS,
    "test/upstream.ts": UPSTREAM.replaceAll(".EXT", ext),
  };
}

/** vitest's global setup (Node side): starts the stand-in and hands its base URLs to the tests. */
export function vitestGlobalSetup(): Files {
  return { "test/global-setup.ts": GLOBAL_SETUP };
}
