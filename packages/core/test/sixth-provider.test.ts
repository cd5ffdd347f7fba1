// Adding a provider is one file: a throwaway definition, added to the list here the way
// scripts/list-providers.mjs lists a new file in src/providers/builtin/, gets routing, auth, key swap, its
// error shape, usage, metering, metrics and long context end to end, with no other src file touched.
// The fake upstream's Cerebras route answers it.
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { memorySecrets } from "../src/memory/index.js";
import { bearerHeaders, CLIENT_KEY, post, type Stack, startStack } from "./helpers.js";

vi.mock("../src/providers/builtin.gen.js", async (importOriginal) => {
  const { PROVIDER_LIST } = await importOriginal<typeof import("../src/providers/builtin.gen.js")>();
  const { chatCompletions, listModels, openAiCompatible, under } = await import(
    "../src/providers/openai-compatible.js"
  );
  const acme = openAiCompatible({
    name: "acme",
    defaultBaseUrl: "https://api.acme.test",
    basePath: "",
    env: { apiKey: "ACME_API_KEY", secondaryApiKey: "ACME_API_KEY_SECONDARY", baseUrl: "ACME_BASE_URL" },
    keyShape: /^acme-[A-Za-z0-9]{20,}$/,
    endpoints: under("/v1", [chatCompletions, listModels]),
    chatPath: "/v1/chat/completions",
  });
  // A provider that does not say where its bodies reference objects: references pass through untouched.
  const plain = openAiCompatible({
    name: "plainco",
    defaultBaseUrl: "https://api.plainco.test",
    basePath: "",
    env: { apiKey: "PLAINCO_API_KEY", secondaryApiKey: "PLAINCO_API_KEY_2", baseUrl: "PLAINCO_BASE_URL" },
    keyShape: /^plain-[A-Za-z0-9]{20,}$/,
    endpoints: under("/v1", [chatCompletions]),
    objectSlots: undefined,
  });
  return { PROVIDER_LIST: [...PROVIDER_LIST, acme, plain] };
});

const { BASE_URL_ENV, PROVIDER_SECRET_NAMES, PROVIDERS, hydrateObjects } = await import("../src/index.js");
const { memoryObjects } = await import("../src/memory/index.js");
const objects = memoryObjects();

let fake: FakeUpstream;
let stack: Stack;
beforeAll(async () => {
  fake = await startFakeUpstream();
  stack = await startStack(
    {
      secrets: memorySecrets({
        ACME_API_KEY: FAKE_KEYS.cerebras,
        PLAINCO_API_KEY: FAKE_KEYS.cerebras,
        SLUICE_KEYS: CLIENT_KEY,
      }),
      providers: {
        acme: { baseUrl: fake.baseUrls.cerebras },
        plainco: { baseUrl: fake.baseUrls.cerebras },
      } as never,
      middleware: [hydrateObjects(objects)],
    },
    fake,
  );
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

it("derives its env names and secrets from the definition alone", () => {
  expect(Object.keys(PROVIDERS)).toContain("acme");
  expect(BASE_URL_ENV).toMatchObject({ acme: "ACME_BASE_URL" });
  expect(PROVIDER_SECRET_NAMES).toEqual(expect.arrayContaining(["ACME_API_KEY", "ACME_API_KEY_SECONDARY"]));
});

it("proxies a chat call with the operator's key, streams, meters and labels it", async () => {
  const body = JSON.stringify({ model: "acme-1", messages: [{ role: "user", content: "hi" }] });
  const response = await post(`${stack.url}/acme/v1/chat/completions`, body, bearerHeaders());
  expect(response.status).toBe(200);
  expect(((await response.json()) as { object: string }).object).toBe("chat.completion");
  const streamed = await post(
    `${stack.url}/acme/v1/chat/completions`,
    JSON.stringify({ ...JSON.parse(body), stream: true }),
    bearerHeaders(),
  );
  expect(streamed.headers.get("content-type")).toContain("text/event-stream");
  expect(await streamed.text()).toContain("[DONE]");
  await stack.flush();
  const points = stack.metrics.points.filter((p) => p.provider === ("acme" as never));
  expect(points.map((p) => p.route)).toEqual(["acme.chat", "acme.chat"]);
  expect(points.every((p) => (p.inputTokens ?? 0) > 0 && (p.outputTokens ?? 0) > 0)).toBe(true);
});

it("answers its own errors in its (OpenAI-compatible) shape: unknown route 404, bad key 401", async () => {
  const missing = await post(`${stack.url}/acme/v1/nothing`, "{}", bearerHeaders());
  expect(missing.status).toBe(404);
  const refused = await post(`${stack.url}/acme/v1/chat/completions`, "{}", { authorization: "Bearer nope" });
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
});

it("gets long context from object storage with no edit to the middleware", async () => {
  await objects.put("shared/notes.txt", "the notes", { contentType: "text/plain" });
  fake.reset();
  const body = JSON.stringify({
    model: "acme-1",
    messages: [{ role: "user", content: [{ type: "text", text: "sluice-object://shared/notes.txt" }] }],
  });
  expect((await post(`${stack.url}/acme/v1/chat/completions`, body, bearerHeaders())).status).toBe(200);
  expect(JSON.parse(fake.records[0]!.body!).messages[0].content[0].text).toBe("the notes");
});

it("forwards references untouched for a provider without objectSlots", async () => {
  fake.reset();
  const body = JSON.stringify({
    model: "plain-1",
    messages: [{ role: "user", content: "sluice-object://shared/notes.txt" }],
  });
  expect((await post(`${stack.url}/plainco/v1/chat/completions`, body, bearerHeaders())).status).toBe(200);
  expect(fake.records[0]!.body).toBe(body);
});
