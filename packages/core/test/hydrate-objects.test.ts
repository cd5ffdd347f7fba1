/**
 * Long context from object storage on any runtime: `hydrateObjects` over core's `ObjectStore` port (here the
 * in-memory store; R2 in workerd is packages/cloudflare/test/hydrate.test.ts). References are filled before
 * the request goes upstream; a reference the key may not read is refused in the provider's shape and nothing
 * is forwarded.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { hydrateObjects } from "../src/index.js";
import { memoryObjects } from "../src/memory/index.js";
import { anthropicHeaders, bearerHeaders, post, type Stack, startStack } from "./helpers.js";

const objects = memoryObjects();
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ middleware: [hydrateObjects(objects, { maxBytes: 64 * 1024 })] });
});
afterAll(() => stack.close());
beforeEach(() => stack.fake.reset());

const sentBodies = () => stack.fake.records.map((r) => r.body ?? "");

it("fills an Anthropic text document and an OpenAI message from the store, the same bytes every time", async () => {
  const handbook = `The handbook: ${"long context. ".repeat(100)}`;
  await objects.put("shared/handbook.txt", handbook, { contentType: "text/plain" });
  const document = {
    type: "document",
    source: { type: "text", media_type: "text/plain", data: "sluice-object://shared/handbook.txt" },
  };
  const claude = JSON.stringify({
    model: "claude-sonnet-4-6",
    max_tokens: 16,
    messages: [{ role: "user", content: [document, { type: "text", text: "summarise" }] }],
  });
  for (let i = 0; i < 2; i++) {
    const response = await post(`${stack.url}/anthropic/v1/messages`, claude, anthropicHeaders());
    expect(response.status, await response.text()).toBe(200);
  }
  const gpt = JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "sluice-object://shared/handbook.txt" }],
  });
  expect((await post(`${stack.url}/openai/v1/chat/completions`, gpt, bearerHeaders())).status).toBe(200);

  const [first, second, third] = stack.fake.records;
  expect(JSON.parse(first!.body!).messages[0].content[0].source.data).toBe(handbook);
  expect(second!.bodySha256).toBe(first!.bodySha256);
  expect(JSON.parse(third!.body!).messages[0].content).toBe(handbook);
  expect(sentBodies().join("")).not.toContain("sluice-object://");
});

it("refuses another key's upload, a traversal and a missing object in the provider's shape, forwarding nothing", async () => {
  await objects.put("uploads/key_someone_else/secret.txt", "not yours", { contentType: "text/plain" });
  const cases: [string, number][] = [
    ["uploads/key_someone_else/secret.txt", 403],
    ["shared/../uploads/key_someone_else/secret.txt", 403],
    ["shared/missing.txt", 400],
  ];
  for (const [key, status] of cases) {
    const body = JSON.stringify({
      model: "claude-sonnet-4-6",
      max_tokens: 16,
      messages: [{ role: "user", content: [{ type: "text", text: `sluice-object://${key}` }] }],
    });
    const response = await post(`${stack.url}/anthropic/v1/messages`, body, anthropicHeaders());
    expect(response.status, key).toBe(status);
    const error = (await response.json()) as { type?: string; error?: { type?: string } };
    expect(error.type).toBe("error");
  }
  expect(stack.fake.records).toHaveLength(0);
  expect(JSON.stringify(sentBodies())).not.toContain("not yours");
});
