// Sluice on Node: auth + rate limit + metrics ("basic"), or with the response cache consulted too ("full").
import { serve } from "@hono/node-server";
import { createGateway } from "@sluice/core";
import { memoryCache, memoryRateLimitStore } from "@sluice/core/memory";

const mode = process.env.MODE ?? "basic";
let points = 0;
const gateway = createGateway({
  secrets: {
    get: (name) =>
      ({ ANTHROPIC_API_KEY: process.env.PROVIDER_KEY, SLUICE_KEYS: process.env.CLIENT_KEY })[name],
  },
  providers: { anthropic: { baseUrl: process.env.UPSTREAM_ANTHROPIC } },
  stores: { counters: memoryRateLimitStore(), ...(mode === "full" ? { cache: memoryCache() } : {}) },
  limits: { rate: "1000000000/60s" },
  metrics: { record: () => void points++ },
  ...(mode === "full" ? { cache: { ttlSeconds: 60 } } : {}),
});
serve(
  {
    port: Number(process.env.PORT),
    hostname: "127.0.0.1",
    fetch: (request) => gateway.fetch(request, { waitUntil() {} }),
  },
  () => process.stdout.write("ready\n"),
);
