/**
 * `sluiceMcp()` in a core gateway on Node (served by `@hono/node-server`), driven by the official MCP client
 * over HTTP and the official Anthropic SDK against `@sluice/fake-upstream`.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, type GatewayOptions } from "@sluice/core";
import { memoryKeyStore, memoryRateLimitStore, memorySecrets, memoryUsageStore } from "@sluice/core/memory";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sluiceMcp } from "../src/index.js";
import { connectMcp, eventually, expectKeyLifecycle, tool } from "./scenario.js";

const ADMIN = "admin-secret-for-mcp-tests-0001";
let fake: FakeUpstream;
const servers: { close(): Promise<void> }[] = [];

async function serveGateway(overrides: Partial<GatewayOptions> = {}): Promise<string> {
  const gateway = createGateway({
    secrets: memorySecrets({ ANTHROPIC_API_KEY: FAKE_KEYS.anthropic, SLUICE_ADMIN_KEY: ADMIN }),
    providers: { anthropic: { baseUrl: fake.baseUrls.anthropic } },
    clients: { keys: memoryKeyStore() },
    stores: { counters: memoryRateLimitStore(), usage: memoryUsageStore() },
    admin: { mcp: sluiceMcp() },
    ...overrides,
  });
  const server = serve({ fetch: (r: Request) => gateway.fetch(r), port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let url: string;
beforeAll(async () => {
  fake = await startFakeUpstream();
  url = await serveGateway();
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await fake.close();
});

const initialize = (key?: string, body = "") =>
  fetch(`${url}/_sluice/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body:
      body ||
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
  });

describe("the MCP server at /_sluice/mcp", () => {
  it("create a key through MCP, use it with the Anthropic SDK, see its usage, revoke it: refused (401)", async () => {
    await expectKeyLifecycle({ gateway: url, adminKey: ADMIN });
  });

  it("is behind the admin key: none or a wrong one 401, unset secret 403, each in JSON", async () => {
    const none = await initialize();
    expect([none.status, ((await none.json()) as { error: { type: string } }).error.type]).toEqual([
      401,
      "unauthorized",
    ]);
    expect((await initialize("wrong-admin-key")).status).toBe(401);
    const shut = await serveGateway({ secrets: memorySecrets({ ANTHROPIC_API_KEY: FAKE_KEYS.anthropic }) });
    const refused = await fetch(`${shut}/_sluice/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(refused.status).toBe(403);
    await expect(connectMcp(url, "wrong-admin-key")).rejects.toThrow();
  });

  it("a gateway without sluiceMcp() has no /_sluice/mcp route", async () => {
    const plain = await serveGateway({ admin: {} });
    const response = await fetch(`${plain}/_sluice/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(response.status).toBe(404);
  });

  it("disable, enable, budget and recent failures", async () => {
    const client = await connectMcp(url, ADMIN);
    try {
      const { key, record } = await tool<{ key: string; record: { id: string } }>(client, "create_key", {
        name: "d",
      });
      const anthropic = new Anthropic({ apiKey: key, baseURL: `${url}/anthropic`, maxRetries: 0 });
      const call = () =>
        anthropic.messages
          .create({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
          .then(
            () => 200,
            (error: { status?: number }) => error.status,
          );
      await tool(client, "disable_key", { id: record.id });
      expect(await call()).toBe(401);
      await tool(client, "enable_key", { id: record.id });
      expect(await call()).toBe(200);
      const budgeted = await tool<{ budget: unknown }>(client, "set_budget", {
        id: record.id,
        tokens: 1,
        window: "day",
      });
      expect(budgeted.budget).toEqual({ tokens: 1, window: "day" });
      expect(await call()).toBe(429);
      const failures = await eventually(async () => {
        const report = await tool<{
          byFailure: Record<string, number>;
          failures: { keyId: string; failure: string }[];
        }>(client, "recent_failures", { keyId: record.id });
        return report.byFailure.budget_exceeded ? report : undefined;
      });
      expect(failures.failures[0]).toMatchObject({ keyId: record.id, failure: "budget_exceeded" });
      const removed = await tool<{ budget?: unknown }>(client, "set_budget", { id: record.id, tokens: null });
      expect(removed.budget).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("hostile input: encoded ids, bad windows, bad JSON-RPC, parallel creates", async () => {
    const client = await connectMcp(url, ADMIN);
    try {
      const { record } = await tool<{ record: { id: string } }>(client, "create_key", { name: "keep" });
      for (const id of ["../keys", `${record.id}/x`, "%2e%2e", " "]) {
        await expect(tool(client, "revoke_key", { id })).rejects.toThrow(/HTTP 404/);
      }
      // Dot segments would climb out of /_sluice/keys/ in a URL: refused before any route runs.
      for (const id of ["..", "."]) await expect(tool(client, "revoke_key", { id })).rejects.toThrow();
      const { keys } = await tool<{ keys: { id: string }[] }>(client, "list_keys");
      expect(keys.map((k) => k.id)).toContain(record.id);
      await expect(tool(client, "get_usage", { from: "2026-13-01T00" })).rejects.toThrow(/YYYY-MM-DDTHH/);
      await expect(tool(client, "get_usage", { hours: 0 })).rejects.toThrow();
      await expect(tool(client, "create_key", { budget: { tokens: -1, window: "day" } })).rejects.toThrow();
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          tool<{ record: { id: string } }>(client, "create_key", { name: `p${i}` }),
        ),
      );
      expect(new Set(created.map((c) => c.record.id)).size).toBe(10);
    } finally {
      await client.close();
    }
    // Stateless: GET (a server stream) and DELETE (a session) are 405, never a stream held open.
    for (const method of ["GET", "DELETE"]) {
      const answer = await fetch(`${url}/_sluice/mcp`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, accept: "text/event-stream" },
      });
      expect([answer.status, answer.headers.get("allow")]).toEqual([405, "POST"]);
    }
    const garbage = await initialize(ADMIN, "{not json");
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it("lists JSON Schemas for the tools' inputs and refuses unknown tools and arguments", async () => {
    const client = await connectMcp(url, ADMIN);
    try {
      const { tools } = await client.listTools();
      const budget = tools.find((t) => t.name === "set_budget")!;
      expect(Object.keys(budget.inputSchema.properties ?? {}).sort()).toEqual(["id", "tokens", "window"]);
      expect(budget.inputSchema.required).toEqual(["id", "tokens"]);
      expect(tools.find((t) => t.name === "revoke_key")!.annotations).toEqual({ destructiveHint: true });
      await expect(tool(client, "revoke_key", { id: "key_x", extra: 1 })).rejects.toThrow(
        /Invalid arguments/,
      );
      await expect(tool(client, "set_budget", { id: "key_x", tokens: 1.5 })).rejects.toThrow(/tokens/);
      await expect(client.callTool({ name: "drop_tables", arguments: {} })).rejects.toThrow(/not found/);
    } finally {
      await client.close();
    }
  });

  it("without a usage store the usage tools say what to pass, and key tools still work", async () => {
    const bare = await serveGateway({ stores: { counters: memoryRateLimitStore() } });
    const client = await connectMcp(bare, ADMIN);
    try {
      await expect(tool(client, "get_usage")).rejects.toThrow(/stores\.usage/);
      await expect(tool(client, "list_keys")).resolves.toEqual({ keys: [] });
    } finally {
      await client.close();
    }
  });
});
