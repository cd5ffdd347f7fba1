// The MCP server and the OpenTelemetry export under `wrangler dev` (workerd with local Durable Objects): the
// official MCP client over HTTP creates a key, the official Anthropic SDK uses it, usage shows through MCP,
// the revoked key is refused (401); every call is exported as OTLP/HTTP JSON to a loopback receiver.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, expect, test } from "vitest";
import { expectBudgetRefusal, expectKeyLifecycle } from "../../../packages/mcp/test/scenario.js";
import { startWranglerDev } from "../scripts/local.mjs";

const ADMIN_KEY = "sk-sluice-mcp-e2e-admin-never-shown";
const OTEL_TOKEN = "otel-token-mcp-e2e-never-exported";
let fake: FakeUpstream;
let dev: Awaited<ReturnType<typeof startWranglerDev>>;
const exported: { path: string; authorization?: string; body: string }[] = [];
const receiver = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  exported.push({
    path: request.url ?? "",
    authorization: request.headers.authorization,
    body: Buffer.concat(chunks).toString("utf8"),
  });
  response.writeHead(200, { "content-type": "application/json" }).end("{}");
});

beforeAll(async () => {
  fake = await startFakeUpstream();
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  dev = await startWranglerDev({
    secrets: {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      SLUICE_ADMIN_KEY: ADMIN_KEY,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${OTEL_TOKEN}`,
    },
    vars: {
      ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    },
  });
});

afterAll(async () => {
  await dev?.stop();
  await fake?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

test("MCP over HTTP under wrangler dev: create a key, use it, see usage, revoke it and see it refused", async () => {
  const result = await expectKeyLifecycle({ gateway: dev.url, adminKey: ADMIN_KEY });

  // Each call was exported from workerd as a span and metrics, with the collector's header and no secret.
  const spans = exported.filter((e) => e.path === "/v1/traces");
  expect(
    spans.some((e) => e.body.includes(result.keyId) && e.body.includes('"chat claude-sonnet-4-6"')),
  ).toBe(true);
  expect(exported.some((e) => e.path === "/v1/metrics" && e.body.includes("gen_ai.client.token.usage"))).toBe(
    true,
  );
  for (const e of exported) {
    expect(e.authorization).toBe(`Bearer ${OTEL_TOKEN}`);
    for (const secret of [ADMIN_KEY, OTEL_TOKEN, FAKE_KEYS.anthropic]) expect(e.body).not.toContain(secret);
  }
});

test("a wrong admin key is refused; a budget set through MCP refuses the key, and recent_failures names it", async () => {
  await expectBudgetRefusal({ gateway: dev.url, adminKey: ADMIN_KEY });
});
