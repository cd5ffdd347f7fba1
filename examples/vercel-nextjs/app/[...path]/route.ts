// app/[...path]/route.ts: every Sluice route at the root of a Next.js app, on the Node.js runtime
// (/anthropic/v1/messages, /openai/v1/chat/completions, /gemini/v1beta/models/…, /healthz).
import { createHandler, redisFromEnv } from "@sluice/vercel";
import { Redis } from "@upstash/redis";

export const runtime = "nodejs";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = createHandler({
  // Upstash (UPSTASH_REDIS_REST_URL and _TOKEN) keeps rate limits, the cache, managed keys and budgets;
  // without it Sluice still proxies, and a setting that needs it (SLUICE_RATE_LIMIT…) fails at startup.
  redis: () => redisFromEnv(Redis),
});
