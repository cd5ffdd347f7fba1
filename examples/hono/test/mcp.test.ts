/**
 * The Hono example with managed keys and the MCP server, on Node: the official MCP client creates a key, the
 * Anthropic SDK uses it under /llm, usage shows through MCP, the revoked key is refused (401). The same app
 * exports each call to a loopback OTLP receiver when given `otel`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { otlpOptionsFromEnv } from "@sluice/core";
import { memoryKeyStore } from "@sluice/core/memory";
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mcpKeyLifecycle, TOOL_NAMES } from "../../../packages/mcp/test/scenario.js";
import { createApp } from "../src/app.js";

const ADMIN = "hono-example-admin-key";
let fake: Awaited<ReturnType<typeof startFakeUpstream>>;
let server: ReturnType<typeof serve>;
let base: string;
const exported: { path: string; body: string }[] = [];
const receiver = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  exported.push({ path: request.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
  response.end("{}");
});

beforeAll(async () => {
  fake = await startFakeUpstream();
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const secrets: Record<string, string> = { ANTHROPIC_API_KEY: FAKE_KEYS.anthropic, SLUICE_ADMIN_KEY: ADMIN };
  const { app } = createApp({
    secrets: { get: (name) => secrets[name] },
    baseUrls: fake.baseUrls,
    managedKeys: memoryKeyStore(),
    otel: otlpOptionsFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    }),
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => receiver.close(resolve));
  await fake.close();
});

it("MCP over HTTP on Node: create a key, use it, see usage, revoke it and see it refused", async () => {
  const result = await mcpKeyLifecycle({ gateway: `${base}/llm`, adminKey: ADMIN });
  expect(result.tools).toEqual(TOOL_NAMES);
  expect(result.usage).toMatchObject({ requests: 1, outputTokens: result.sdkUsage.output_tokens });
  expect(result.refusedStatus).toBe(401);
  expect(result.listedAfterRevoke).toBe(false);
  // The calls went to the OTLP receiver too: a span and metrics per call, naming the key by its id only.
  const traces = exported.filter((e) => e.path === "/v1/traces").map((e) => e.body);
  expect(traces.some((body) => body.includes(result.keyId) && body.includes('"gen_ai.operation.name"'))).toBe(
    true,
  );
  expect(exported.some((e) => e.path === "/v1/metrics")).toBe(true);
});
