/**
 * Sluice as one Vercel Function on the Edge runtime serving every route under /api: /api/anthropic/v1/messages,
 * /api/openai/v1/chat/completions, /api/gemini/v1beta/models/{model}:generateContent, /api/healthz …
 * Configuration is all environment variables (see .env.example); nothing is read at import time.
 * For the Node.js runtime (Vercel's default), drop `config` and export GET, POST, … instead (see the README).
 */
import { createHandler, redisFromEnv } from "@sluice/vercel";
import { Redis } from "@upstash/redis";

export const config = { runtime: "edge" };

export default createHandler({
  basePath: "/api",
  // Rate limits (SLUICE_RATE_LIMIT), the response cache (SLUICE_CACHE_TTL) and, once SLUICE_ADMIN_KEY is set,
  // managed keys with budgets and usage counters live in Upstash Redis when it is configured. Without it Sluice
  // still proxies, and any of those settings stops it at startup with an error that says what to set.
  redis: () => redisFromEnv(Redis),
});
