/** Serves the app with Node; provider keys and SLUICE_KEYS come from the environment. */
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";

const { app } = createApp({
  secrets: { get: (name) => process.env[name] },
  baseUrls: {
    anthropic: process.env.ANTHROPIC_BASE_URL,
    openai: process.env.OPENAI_BASE_URL,
    gemini: process.env.GEMINI_BASE_URL,
  },
});
const port = Number(process.env.PORT ?? 8787);
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () =>
  console.log(`listening on http://127.0.0.1:${port}`),
);
