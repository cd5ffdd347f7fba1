/**
 * The tests every generated project runs against its own gateway: each route it promises, against the stand-in
 * providers. Written once as test cases over `call`, `expect`, `CLIENT_KEYS` and `ADMIN_KEY`; each runtime puts
 * them in its own test file (vitest under workerd, `deno test`, vitest on Node).
 */
import { type Choices, PROVIDERS, type Provider } from "../options.js";
import { CHAT_ROUTES } from "../providers.js";

export interface TestCase {
  name: string;
  body: string;
}

/** `store` names where the rate-limit buckets live, for the test's name ("the Durable Object", "Deno KV"). */
export function gatewayTestCases({ providers, features }: Choices, store: string): TestCase[] {
  const first = providers[0] as Provider;
  const off = (Object.keys(PROVIDERS) as Provider[]).find((p) => !providers.includes(p));
  const cases: TestCase[] = [
    {
      name: "answers /healthz",
      body: `expect((await gateway.fetch(new Request("https://gw.test/healthz"))).status).toBe(200);`,
    },
    ...providers.map((provider) => ({
      name: `proxies ${provider} with the provider key, never the client's`,
      body: `const response = await call("${provider}", CLIENT_KEYS.main);
expect(response.status).toBe(200);
expect(await response.text()).toContain(REPLY);`,
    })),
    {
      name: "streams: server-sent events pass through",
      body: `const response = await call("${first}", CLIENT_KEYS.stream, { stream: true });
expect(response.status).toBe(200);
expect(response.headers.get("content-type")).toContain("text/event-stream");
expect(await response.text()).toContain(REPLY);`,
    },
    {
      name: "a call without a Sluice key is a 401",
      body: `const response = await call("${first}", "");
expect(response.status).toBe(401);
await response.body?.cancel();`,
    },
  ];
  if (off) {
    cases.push({
      name: "a provider this project leaves out answers 404",
      body: `const response = await call("${off}", CLIENT_KEYS.main);
expect(response.status).toBe(404);
await response.body?.cancel();`,
    });
  }
  if (features.includes("rate-limit")) {
    cases.push({
      name: `SLUICE_RATE_LIMIT holds in ${store}: the fourth call of 3/600s is a 429`,
      body: `const statuses: number[] = [];
for (let i = 0; i < 4; i++) {
  const response = await call("${first}", CLIENT_KEYS.limited);
  statuses.push(response.status);
  await response.body?.cancel();
}
expect(statuses).toEqual([200, 200, 200, 429]);`,
    });
  }
  if (features.includes("cache")) {
    cases.push({
      name: "the same non-streamed call twice is a cache HIT the second time",
      body: `const body = { marker: crypto.randomUUID() };
const first = await call("${first}", CLIENT_KEYS.cache, body);
expect(first.headers.get("x-sluice-cache")).toBe("MISS");
await first.body?.cancel();
const second = await call("${first}", CLIENT_KEYS.cache, body);
expect(second.headers.get("x-sluice-cache")).toBe("HIT");
await second.body?.cancel();`,
    });
  }
  if (features.includes("keys")) {
    cases.push({
      name: "the admin API issues a managed key that works at once",
      body: `const created = await gateway.fetch(
  new Request("https://gw.test/_sluice/keys", {
    method: "POST",
    headers: { authorization: \`Bearer \${ADMIN_KEY}\`, "content-type": "application/json" },
    body: JSON.stringify({ name: "test" }),
  }),
);
expect(created.status).toBe(201);
const { key } = (await created.json()) as { key: string };
const response = await call("${first}", key);
expect(response.status).toBe(200);
await response.body?.cancel();`,
    });
  }
  return cases;
}

/** The official SDK of each chat format, as a project's package.json names it and its test imports it. */
const SDKS = {
  anthropic: { pkg: "@anthropic-ai/sdk", name: "Anthropic", appends: "/v1/messages" },
  openai: { pkg: "openai", name: "OpenAI", appends: "/chat/completions" },
} as const;

/** The SDK packages the chosen providers' SDK tests need (one per chat format). */
export function sdkPackages({ providers }: Choices): ("@anthropic-ai/sdk" | "openai")[] {
  return sdkProviders(providers).map(([, shape]) => SDKS[shape].pkg);
}

/** The first chosen provider of each chat format (Gemini has its own wire format and no SDK test here). */
function sdkProviders(providers: Provider[]): [Provider, "anthropic" | "openai"][] {
  const found = new Map<"anthropic" | "openai", Provider>();
  for (const provider of providers) {
    const shape = CHAT_ROUTES[provider]?.shape;
    if (shape && !found.has(shape)) found.set(shape, provider);
  }
  return [...found].map(([shape, provider]) => [provider, shape]);
}

/**
 * Imports for the SDK tests, and one streamed call through each chosen format's official SDK. The test file
 * defines `clientOptions(path)`: the SDK's options (`apiKey`, `baseURL` and, where there is no server, `fetch`).
 */
export function sdkTests({ providers }: Choices): { imports: string; cases: TestCase[] } {
  const chosen = sdkProviders(providers);
  const imports = chosen
    .map(([, shape]) => `import ${SDKS[shape].name} from "${SDKS[shape].pkg}";`)
    .join("\n");
  const cases = chosen.map(([provider, shape]): TestCase => {
    // The SDK's base URL: the gateway's chat path without the part the SDK appends itself.
    const path = CHAT_ROUTES[provider]?.path ?? "";
    const base = path.slice(0, -SDKS[shape].appends.length);
    const body =
      shape === "anthropic"
        ? `const client = new Anthropic(clientOptions("${base}"));
const stream = client.messages.stream({
  model: "test-model",
  max_tokens: 16,
  messages: [{ role: "user", content: "hi" }],
});
const message = await stream.finalMessage();
expect(message.content[0]?.type === "text" ? message.content[0].text : "").toBe(REPLY);`
        : `const client = new OpenAI(clientOptions("${base}"));
const stream = await client.chat.completions.create({
  model: "test-model",
  messages: [{ role: "user", content: "hi" }],
  stream: true,
});
let text = "";
for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
expect(text).toBe(REPLY);`;
    return { name: `the official ${SDKS[shape].pkg} SDK streams ${provider} through the gateway`, body };
  });
  return { imports, cases };
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");

/** The cases as `test(name, async () => { … })` calls, for a file that defines `test` and `expect`. */
export function renderTests(cases: TestCase[]): string {
  return cases
    .map((c) => `test(${JSON.stringify(c.name)}, async () => {\n${indent(c.body)}\n});`)
    .join("\n\n");
}
