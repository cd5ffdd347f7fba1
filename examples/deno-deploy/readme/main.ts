import { createHandler, scheduleHousekeeping } from "@sluice/deno";

// Deno Deploy: the project's KV database. Self-hosted: a file path or ":memory:".
const kv = await Deno.openKv();

// Reads ANTHROPIC_API_KEY, OPENAI_API_KEY, … and SLUICE_KEYS from Deno.env;
// SLUICE_RATE_LIMIT (e.g. "60/60s") and SLUICE_CACHE_TTL (seconds) turn on
// rate limiting and the response cache, both stored in `kv`. SLUICE_ADMIN_KEY
// opens the admin API: managed keys with budgets, and usage, also in `kv`.
const handler = createHandler({ kv });

// Hourly: usage rows of old days rolled into day rows, days past the retention
// deleted. Register it at the top level, before the server starts.
scheduleHousekeeping(handler);

export default { fetch: handler } satisfies Deno.ServeDefaultExport; // `deno serve main.ts`
// or: Deno.serve(handler);

// Deno.serve has no waitUntil: let metric lines and cache writes finish before exiting
// (signal listeners are not available on Windows).
Deno.addSignalListener("SIGTERM", async () => {
  await handler.drain();
  Deno.exit(0);
});
