// server.ts: one Sluice gateway process. Run as many as you like behind a load balancer: they share the
// Redis (or Valkey) at REDIS_URL, so rate limits, budgets, the cache, managed keys and usage hold across all.
import { createNodeGateway, serve } from "@sluice/node";

const { gateway, close } = await createNodeGateway(process.env);
const server = await serve((request, execution) => gateway.fetch(request, execution), {
  onShutdown: close, // SIGTERM: stop accepting, finish in-flight calls and background work, then close Redis
});
console.log(`sluice listening on ${server.url}`);
