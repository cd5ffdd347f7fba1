// server.ts: one Sluice gateway process. Run as many as you like behind a load balancer: they share the
// Redis (or Valkey) at REDIS_URL, so rate limits, budgets, the cache, managed keys and usage hold across all.
import { createHandler, serve } from "@sluice/node";

// SIGTERM: stop accepting, finish in-flight calls and background work, then close Redis.
const server = await serve(createHandler());
console.log(`sluice listening on ${server.url}`);
