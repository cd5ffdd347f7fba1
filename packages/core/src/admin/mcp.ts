/**
 * The hook a remote MCP server plugs into (`admin: { mcp: sluiceMcp() }` from `@sluice/mcp`): a value with a
 * `handle` method, so core never imports the MCP SDK and gateways without MCP carry none of it.
 */
import type { UsageStore } from "../ports/usage.js";

/** What the MCP handler may use: the admin REST API in-process, already past the admin guard, and usage rows. */
export interface AdminHost {
  /**
   * Calls an admin route as the admin, in-process: `call("/_sluice/keys", { method: "POST", body })`. The
   * answer is exactly what the REST API would send (same validation, same errors).
   */
  call(path: string, init?: RequestInit): Promise<Response>;
  /** The gateway's usage store (hourly rows per key and model), when it has one. */
  usage?: UsageStore;
}

/** Answers `<basePath>/_sluice/mcp`. Core calls it only for requests that carry the admin key. */
export interface AdminMcpHandler {
  handle(request: Request, host: AdminHost): Promise<Response>;
}

/** The admin path of the MCP endpoint (after the base path). */
export const MCP_PATH = "/_sluice/mcp";
