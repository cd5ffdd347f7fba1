// app/edge/[...path]/route.ts: the same gateway on the Edge runtime, under /edge (/edge/anthropic/v1/messages…).
// Keep one of the two routes; Vercel recommends the Node.js runtime.
import { createHandler, redisFromEnv } from "@sluice/vercel";
import { Redis } from "@upstash/redis";

export const runtime = "edge";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = createHandler({
  basePath: "/edge",
  redis: () => redisFromEnv(Redis),
});
