/**
 * The end-to-end MCP scenario every adapter runs, with the official MCP client over HTTP and the official
 * Anthropic SDK: create a key through MCP, use it, see its usage through MCP, revoke it and see it refused.
 * Imported by this package's tests and by the adapters' (Cloudflare under `wrangler dev`, Deno under
 * `deno serve`, Hono on Node).
 */
import Anthropic from "@anthropic-ai/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect } from "vitest";

export const TOOL_NAMES = [
  "create_key",
  "disable_key",
  "enable_key",
  "get_usage",
  "list_keys",
  "recent_failures",
  "revoke_key",
  "set_budget",
];

/** An MCP client connected to `<gateway>/_sluice/mcp` with the given admin key. */
export async function connectMcp(gateway: string, adminKey: string): Promise<Client> {
  const client = new Client({ name: "sluice-test", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(`${gateway}/_sluice/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${adminKey}` } },
  });
  await client.connect(transport);
  return client;
}

type ToolResult = {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: unknown;
};

/** Calls a tool and returns its JSON answer; throws with the tool's message when it reports an error. */
export async function tool<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: object = {},
): Promise<T> {
  const result = (await client.callTool({ name, arguments: args as Record<string, unknown> })) as ToolResult;
  const text = result.content.map((c) => c.text ?? "").join("");
  if (result.isError) throw new Error(`${name}: ${text}`);
  return JSON.parse(text) as T;
}

/** Polls until `check` returns a value (usage is written from waitUntil, after the response). */
export async function eventually<T>(check: () => Promise<T | undefined>, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the condition never held");
}

export interface ScenarioResult {
  tools: string[];
  keyId: string;
  usage: { requests: number; inputTokens: number; outputTokens: number };
  sdkUsage: { input_tokens: number; output_tokens: number };
  refusedStatus: number | undefined;
  listedAfterRevoke: boolean;
}

export async function mcpKeyLifecycle(options: {
  /** The gateway's URL including its base path. */
  gateway: string;
  adminKey: string;
  model?: string;
}): Promise<ScenarioResult> {
  const client = await connectMcp(options.gateway, options.adminKey);
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    const created = await tool<{ key: string; record: { id: string } }>(client, "create_key", {
      name: "mcp-e2e",
      budget: { tokens: 1_000_000, window: "day" },
    });
    const anthropic = new Anthropic({
      apiKey: created.key,
      baseURL: `${options.gateway}/anthropic`,
      maxRetries: 0,
    });
    const message = await anthropic.messages.create({
      model: options.model ?? "claude-sonnet-4-6",
      max_tokens: 32,
      messages: [{ role: "user", content: "hello through a key made over MCP" }],
    });
    const keyId = created.record.id;
    const usage = await eventually(async () => {
      const report = await tool<{ total: ScenarioResult["usage"] }>(client, "get_usage", { keyId, hours: 2 });
      return report.total.requests >= 1 ? report.total : undefined;
    });
    await tool(client, "revoke_key", { id: keyId });
    let refusedStatus: number | undefined;
    try {
      await anthropic.messages.create({ model: "claude-sonnet-4-6", max_tokens: 8, messages: [] });
    } catch (error) {
      refusedStatus = (error as { status?: number }).status;
    }
    const { keys } = await tool<{ keys: { id: string }[] }>(client, "list_keys");
    return {
      tools,
      keyId,
      usage,
      sdkUsage: message.usage,
      refusedStatus,
      listedAfterRevoke: keys.some((k) => k.id === keyId),
    };
  } finally {
    await client.close();
  }
}

/** Runs `mcpKeyLifecycle` and checks all of it: every tool listed, usage as the SDK saw it, 401 after revoking. */
export async function expectKeyLifecycle(options: {
  gateway: string;
  adminKey: string;
}): Promise<ScenarioResult> {
  const result = await mcpKeyLifecycle(options);
  expect(result.tools).toEqual(TOOL_NAMES);
  expect(result.usage).toMatchObject({
    requests: 1,
    inputTokens: result.sdkUsage.input_tokens,
    outputTokens: result.sdkUsage.output_tokens,
  });
  expect(result.refusedStatus).toBe(401);
  expect(result.listedAfterRevoke).toBe(false);
  return result;
}

/**
 * A wrong admin key cannot connect; a budget of one token set through MCP makes the official Anthropic SDK's
 * next call a 429, and `recent_failures` names it `budget_exceeded`.
 */
export async function expectBudgetRefusal(options: { gateway: string; adminKey: string }): Promise<void> {
  await expect(connectMcp(options.gateway, "not-the-admin-key")).rejects.toThrow();
  const client = await connectMcp(options.gateway, options.adminKey);
  try {
    const { key, record } = await tool<{ key: string; record: { id: string } }>(client, "create_key", {
      name: "tiny",
    });
    await tool(client, "set_budget", { id: record.id, tokens: 1, window: "day" });
    const anthropic = new Anthropic({ apiKey: key, baseURL: `${options.gateway}/anthropic`, maxRetries: 0 });
    const status = await anthropic.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .then(
        () => 200,
        (error: { status?: number }) => error.status,
      );
    expect(status).toBe(429);
    const report = await eventually(async () => {
      const r = await tool<{ failures: { keyId: string; failure: string }[] }>(client, "recent_failures", {
        keyId: record.id,
        hours: 2,
      });
      return r.failures.length > 0 ? r : undefined;
    });
    expect(report.failures[0]).toMatchObject({ keyId: record.id, failure: "budget_exceeded" });
  } finally {
    await client.close();
  }
}
