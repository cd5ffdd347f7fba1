// node.ts: Sluice on Node, mounted in a Hono app (npm install @sluice/core hono @hono/node-server)
import { serve } from "@hono/node-server";
import { createGateway, gatewayOptionsFromEnv } from "@sluice/core";
import { memoryCache, memoryRateLimitStore } from "@sluice/core/memory";
import { Hono } from "hono";

// The adapters' env contract: *_API_KEY, SLUICE_KEYS, *_BASE_URL, SLUICE_RATE_LIMIT, SLUICE_CACHE_TTL.
// In-memory stores suit one process; several processes need a shared store (e.g. @sluice/upstash).
const stores = { counters: memoryRateLimitStore(), cache: memoryCache() };
const gateway = createGateway({ ...gatewayOptionsFromEnv(process.env, { stores }), basePath: "/llm" });

const app = new Hono();
// No second argument on Node: Hono's c.executionCtx throws there ("This context has no ExecutionContext"),
// and Node needs none (background work just runs). On Workers, pass c.executionCtx.
app.all("/llm/*", (c) => gateway.fetch(c.req.raw));

const port = Number(process.env.PORT ?? 8787);
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => console.log(`http://127.0.0.1:${port}/llm`));
