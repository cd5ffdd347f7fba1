/**
 * The whole Worker: Sluice with every Cloudflare feature this config binds. Everything it needs comes from
 * `env` (wrangler.toml vars, secrets, bindings); see README.md.
 */
import { analyticsEngineMetrics, createWorker } from "@sluice/cloudflare";
import { otlpOptionsFromEnv, otlpSink } from "@sluice/core";
import { sluiceMcp } from "@sluice/mcp";

// Durable Object classes must be exported by the entry module under the names wrangler.toml binds.
export { SluiceKeys, SluiceRateLimiter, SluiceSessions, SluiceUsage } from "@sluice/cloudflare";

export default createWorker<Env>({
  // `sluice-object://<key>` references in messages are filled in from R2 (this rewrites those bodies).
  hydrate: true,
  // POST /_sluice/uploads hands a client a pre-signed R2 PUT URL (needs the R2_* vars and secrets).
  uploads: true,
  // Per-call metadata as NDJSON batches in R2 under sluice-logs/ (no bodies unless `bodies: true`).
  requestLog: { maxEntries: 100, maxAgeMs: 5_000 },
  // Sessions (x-sluice-session) are on because SESSIONS is bound; Workers AI (@cf/ models) when AI is;
  // managed keys and the admin API because KEYS is (SLUICE_KEYS keys keep working), usage counters by USAGE.
  metrics: { successSampleRate: 1 },
  gateway: (env) => {
    // OTEL_EXPORTER_OTLP_ENDPOINT (+ OTEL_EXPORTER_OTLP_HEADERS as a secret) adds an OpenTelemetry export of
    // every call beside Analytics Engine.
    const otel = otlpOptionsFromEnv(env as unknown as Record<string, unknown>);
    return {
      // The remote MCP server at /_sluice/mcp, behind SLUICE_ADMIN_KEY like the admin API.
      admin: { mcp: sluiceMcp() },
      ...(otel ? { metrics: [analyticsEngineMetrics(env.METRICS), otlpSink(otel)] } : {}),
    };
  },
});
