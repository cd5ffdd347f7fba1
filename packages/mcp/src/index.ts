/**
 * @module `sluiceMcp()`: a remote MCP server for Sluice's admin API on the official MCP SDK's web-standard
 * Streamable HTTP transport, so it runs on every runtime. Plug it in with `admin: { mcp: sluiceMcp() }`; it
 * answers at `<basePath>/_sluice/mcp` behind the admin key. A separate package, so gateways without MCP carry
 * none of the SDK.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { AdminHost, AdminMcpHandler } from "@sluice/core";
import { ToolRegistry } from "./registry.js";
import { registerTools } from "./tools.js";

export interface SluiceMcpOptions {
  /** The server name MCP clients show. Default "sluice". */
  name?: string;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxRequestBodySize?: number;
}

/**
 * The SDK validates JSON Schema with Ajv by default, which compiles with `new Function` (refused on Workers).
 * The tools validate with zod and never ask the client for schema-checked input, so nothing needs it.
 */
const noJsonSchemaValidator = {
  getValidator() {
    return () => ({ valid: false as const, data: undefined, errorMessage: "JSON Schema validation is off." });
  },
};

/**
 * Stateless: every request gets a fresh server and transport (no session id, no in-isolate state), so any
 * instance can answer any request, as edge runtimes need. Answers are JSON, not SSE streams.
 *
 * @example
 * ```ts
 * import { sluiceMcp } from "@sluice/mcp";
 * createGateway({ secrets, clients: { keys }, stores: { usage }, admin: { mcp: sluiceMcp() } });
 * ```
 */
export function sluiceMcp({
  name = "sluice",
  maxRequestBodySize = 1 << 20,
}: SluiceMcpOptions = {}): AdminMcpHandler {
  return {
    async handle(request: Request, host: AdminHost): Promise<Response> {
      // Stateless: no session to end (DELETE) and no server-initiated stream to open (GET). The spec lets a
      // server answer 405 there; clients then carry on with POST alone instead of holding a stream open.
      if (request.method !== "POST") return methodNotAllowed();
      const server = new Server(
        { name, version: "1" },
        { capabilities: { tools: {} }, jsonSchemaValidator: noJsonSchemaValidator },
      );
      const tools = new ToolRegistry();
      registerTools(tools, host);
      tools.attach(server);
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
        maxRequestBodySize,
      });
      await server.connect(transport);
      try {
        return await transport.handleRequest(request);
      } finally {
        // The JSON answer is complete once handleRequest resolves; nothing outlives the request.
        await server.close();
      }
    },
  };
}

function methodNotAllowed(): Response {
  const body = {
    jsonrpc: "2.0",
    error: { code: -32000, message: "Method not allowed: this MCP server is stateless, use POST." },
    id: null,
  };
  return new Response(JSON.stringify(body), {
    status: 405,
    headers: { "content-type": "application/json", allow: "POST" },
  });
}
