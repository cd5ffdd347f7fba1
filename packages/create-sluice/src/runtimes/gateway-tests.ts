/**
 * The tests every generated project runs against its own gateway: each route it promises, against the stand-in
 * providers. Written once as test cases over `call`, `expect`, `CLIENT_KEYS` and `ADMIN_KEY`; each runtime puts
 * them in its own test file (vitest under workerd, `deno test`, vitest on Node).
 */
import { type Choices, PROVIDERS, type Provider } from "../options.js";

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
