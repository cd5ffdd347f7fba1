/**
 * Sluice as one Vercel Edge Function serving every route under /api: /api/anthropic/v1/messages,
 * /api/openai/v1/chat/completions, /api/gemini/v1beta/models/{model}:generateContent, /api/healthz …
 * Configuration is all environment variables (see .env.example); nothing is read at import time.
 */
import { createEdgeHandler } from "@sluice/vercel";
import { Redis } from "@upstash/redis";

export const config = { runtime: "edge" };

declare const process: { env: Record<string, string | undefined> };

export default createEdgeHandler({
  basePath: "/api",
  // Rate limits (SLUICE_RATE_LIMIT), the response cache (SLUICE_CACHE_TTL) and, once SLUICE_ADMIN_KEY is set,
  // managed keys with budgets and usage counters live in Upstash Redis when it is configured; without it
  // Sluice still proxies, with none of them.
  redis: () => (process.env.UPSTASH_REDIS_REST_URL ? Redis.fromEnv({ enableTelemetry: false }) : undefined),
});
