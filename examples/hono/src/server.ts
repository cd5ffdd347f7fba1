/** Serves the app with Node; provider keys and SLUICE_KEYS come from the environment. */
import { serve } from "@hono/node-server";
import { otlpOptionsFromEnv } from "@sluice/core";
import { memoryKeyStore } from "@sluice/core/memory";
import { createApp } from "./app.js";

const { app } = createApp({
  secrets: { get: (name) => process.env[name] },
  // With SLUICE_ADMIN_KEY set: managed keys, usage and the MCP server at /llm/_sluice/mcp (in memory here).
  managedKeys: process.env.SLUICE_ADMIN_KEY ? memoryKeyStore() : undefined,
  // OTEL_EXPORTER_OTLP_ENDPOINT (+ OTEL_EXPORTER_OTLP_HEADERS) turns on the OpenTelemetry export.
  otel: otlpOptionsFromEnv(process.env),
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
