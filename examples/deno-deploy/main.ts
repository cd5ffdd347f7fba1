/**
 * @module Sluice on Deno Deploy. Provider keys, client keys (SLUICE_KEYS) and settings come from the
 * environment; rate limits, the response cache, managed keys with budgets (admin API behind SLUICE_ADMIN_KEY)
 * and usage counters live in Deno KV, kept in size by an hourly Deno.cron job; metrics are JSON log lines. The
 * admin key also opens the dashboard and the remote MCP server.
 */
import { createHandler, scheduleHousekeeping } from "@sluice/deno";
import { sluiceMcp } from "@sluice/mcp";

// On Deno Deploy, openKv() with no path is the project's KV database. Self-hosted, SLUICE_KV_PATH picks a file
// (or ":memory:"); without it Deno keeps one under its cache directory.
const kv = await Deno.openKv(Deno.env.get("SLUICE_KV_PATH") || undefined);

// With SLUICE_ADMIN_KEY set: the dashboard at /_sluice/dashboard and the remote MCP server at /_sluice/mcp,
// both behind that key like the admin API.
const handler = createHandler({ kv, admin: { mcp: sluiceMcp() } });

// Hourly at :17, old usage hours are rolled into day rows and days past the retention deleted. Deno Deploy
// runs Deno.cron natively; locally it needs "cron" in deno.json's "unstable" (as here) or --unstable-cron.
// It must be registered here, at the top level, before the server starts.
scheduleHousekeeping(handler);

// Deno.serve has no waitUntil: before the process stops, let metric lines and cache writes finish.
if (Deno.build.os !== "windows") {
  Deno.addSignalListener("SIGTERM", async () => {
    await Promise.race([handler.drain(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    kv.close();
    Deno.exit(0);
  });
}

export default { fetch: handler } satisfies Deno.ServeDefaultExport;
