/**
 * The admin tools. Key tools call the admin REST API in-process (`host.call`), so validation, errors and
 * revocation semantics are the REST API's own; usage and failures read the usage store's hourly rows.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { AdminHost } from "@sluice/core";
// The SDK's protocol types are built on "zod/v4" already, so these schemas add no validation library.
import * as z from "zod/v4";
import type { ToolRegistry } from "./registry.js";
import { MAX_HOURS, recentFailures, usageReport, windowOf } from "./usage.js";

const ok = (value: object): CallToolResult => ({
  content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
  structuredContent: value as Record<string, unknown>,
});
const failed = (message: string): CallToolResult => ({
  isError: true,
  content: [{ type: "text", text: message }],
});

/** The REST answer as a tool result: the JSON on success, the API's own error message otherwise. */
async function fromRest(response: Response): Promise<CallToolResult> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  if (response.ok) return ok(body as object);
  const error = (body as { error?: { message?: string } | string }).error;
  const message = typeof error === "string" ? error : (error?.message ?? text);
  return failed(`HTTP ${response.status}: ${message}`);
}

const keyPath = (id: string) => `/_sluice/keys/${encodeURIComponent(id)}`;
const patch = (host: AdminHost, id: string, body: object) =>
  host.call(keyPath(id), {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const windowShape = {
  hours: z
    .number()
    .int()
    .min(1)
    .max(MAX_HOURS)
    .optional()
    .describe("The last N UTC hours, this one included. Default 24."),
  from: z.string().optional().describe('First UTC hour, "YYYY-MM-DDTHH" (instead of hours).'),
  to: z.string().optional().describe('Last UTC hour, "YYYY-MM-DDTHH". Default the current hour.'),
};
const keyId = z.string().min(1).describe("The key's public id (key_…), never the key itself.");
const budget = z.object({ tokens: z.number().int().positive(), window: z.enum(["day", "month"]) });

/** Runs a store-reading tool, turning a bad window or a missing store into a tool error. */
async function withUsage(host: AdminHost, run: (store: NonNullable<AdminHost["usage"]>) => Promise<object>) {
  if (!host.usage) return failed("This gateway has no usage store: pass `stores.usage` (your adapter's).");
  try {
    return ok(await run(host.usage));
  } catch (error) {
    if (error instanceof RangeError) return failed(error.message);
    throw error;
  }
}

export function registerTools(server: ToolRegistry, host: AdminHost): void {
  server.registerTool(
    "get_usage",
    {
      title: "Usage by key, model and window",
      description:
        "Requests, tokens (uncached input, output, cache reads and writes), cost in USD, cache hit rate and errors, per key and model, over a window of UTC hours. Filter by key id and/or model.",
      inputSchema: { keyId: keyId.optional(), model: z.string().optional(), ...windowShape },
      annotations: { readOnlyHint: true },
    },
    async (input) => withUsage(host, (store) => usageReport(store, windowOf(input), input)),
  );

  server.registerTool(
    "recent_failures",
    {
      title: "Recent failures",
      description:
        "Failed calls by hour, key, model and failure name (the x-sluice-failure taxonomy), newest first, from the usage store (shared by every instance).",
      inputSchema: {
        keyId: keyId.optional(),
        limit: z.number().int().min(1).max(1000).optional().describe("Rows to return. Default 50."),
        ...windowShape,
      },
      annotations: { readOnlyHint: true },
    },
    async (input) =>
      withUsage(host, (store) =>
        recentFailures(store, windowOf(input), { keyId: input.keyId, limit: input.limit ?? 50 }),
      ),
  );

  server.registerTool(
    "list_keys",
    {
      title: "List client keys",
      description: "Every managed client key's record (id, name, budget, limits, disabled); never the keys.",
      annotations: { readOnlyHint: true },
    },
    async () => fromRest(await host.call("/_sluice/keys")),
  );

  server.registerTool(
    "create_key",
    {
      title: "Create a client key",
      description:
        "Creates a client key. The key is in this answer and nowhere else, ever: hand it to its user now.",
      inputSchema: {
        name: z.string().max(200).optional(),
        budget: budget.optional().describe("Token budget per day or month."),
        allowedModels: z.array(z.string().min(1)).optional(),
        allowedProviders: z.array(z.string()).optional(),
        rateLimit: z.string().optional().describe('e.g. "60/60s"'),
        expiresAt: z.string().optional().describe("ISO 8601 time after which the key is refused."),
      },
    },
    async (input) =>
      fromRest(
        await host.call("/_sluice/keys", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(input),
        }),
      ),
  );

  server.registerTool(
    "disable_key",
    {
      title: "Disable a client key",
      description: "Refuses the key (401) until it is enabled again; its record and usage stay.",
      inputSchema: { id: keyId },
      annotations: { idempotentHint: true },
    },
    async ({ id }) => fromRest(await patch(host, id, { disabled: true })),
  );

  server.registerTool(
    "enable_key",
    {
      title: "Enable a client key",
      description: "Accepts a disabled key again.",
      inputSchema: { id: keyId },
      annotations: { idempotentHint: true },
    },
    async ({ id }) => fromRest(await patch(host, id, { disabled: false })),
  );

  server.registerTool(
    "revoke_key",
    {
      title: "Revoke a client key",
      description: "Deletes the key for good: the next request with it is refused (401).",
      inputSchema: { id: keyId },
      annotations: { destructiveHint: true },
    },
    async ({ id }) => fromRest(await host.call(keyPath(id), { method: "DELETE" })),
  );

  server.registerTool(
    "set_budget",
    {
      title: "Set a key's token budget",
      description: "Sets the key's token budget per day or month, or removes it (tokens: null).",
      inputSchema: {
        id: keyId,
        tokens: z
          .number()
          .int()
          .positive()
          .nullable()
          .describe("Tokens per window; null removes the budget."),
        window: z.enum(["day", "month"]).optional().describe('Default "day".'),
      },
      annotations: { idempotentHint: true },
    },
    async ({ id, tokens, window }) =>
      fromRest(
        await patch(host, id, { budget: tokens === null ? null : { tokens, window: window ?? "day" } }),
      ),
  );
}
