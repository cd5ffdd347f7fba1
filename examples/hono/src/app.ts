/**
 * An existing Hono app that mounts Sluice under /llm. Sluice is one route handler; the app keeps its own
 * routes and middleware, and adds a Sluice middleware of its own (a per-team model policy).
 */
import {
  createGateway,
  GatewayError,
  type KeyStore,
  type MetricsSink,
  type Middleware,
  type OtlpSinkOptions,
  otlpSink,
  type SecretsPort,
} from "@sluice/core";
import { memoryCache, memoryMetrics, memoryRateLimitStore, memoryUsageStore } from "@sluice/core/memory";
import { sluiceMcp } from "@sluice/mcp";
import { Hono } from "hono";

/** Your own policy, written like the built-ins: refuse models a team may not use. */
export function teamModelPolicy(allowed: Record<string, string[]>): Middleware {
  return async function teamModels(ctx, next) {
    const team = ctx.request.headers.get("x-team") ?? "default";
    const models = allowed[team];
    if (models && !models.includes(ctx.model)) {
      throw new GatewayError(
        "forbidden",
        `Team "${team}" may not use ${ctx.model}; allowed: ${models.join(", ")}.`,
      );
    }
    const response = await next();
    response.headers.set("x-team", team);
    return response;
  };
}

export interface AppOptions {
  secrets: SecretsPort;
  /** Upstream base URLs (the demo and tests point them at a local fake provider). */
  baseUrls?: Partial<Record<"anthropic" | "openai" | "gemini" | "groq" | "cerebras", string>>;
  /**
   * Managed client keys (instead of `SLUICE_KEYS`), per-key usage, and the admin API with its remote MCP
   * server at `/llm/_sluice/mcp`, all behind the `SLUICE_ADMIN_KEY` secret.
   */
  managedKeys?: KeyStore;
  /** OpenTelemetry export of every call, e.g. `otlpOptionsFromEnv(process.env)`. */
  otel?: OtlpSinkOptions;
}

export function createApp({ secrets, baseUrls = {}, managedKeys, otel }: AppOptions) {
  const metrics = memoryMetrics();
  const sinks: MetricsSink[] = otel ? [metrics, otlpSink(otel)] : [metrics];
  const admin = managedKeys
    ? { keys: managedKeys, usage: memoryUsageStore(), admin: { mcp: sluiceMcp() } }
    : undefined;
  const sluice = createGateway({
    secrets,
    basePath: "/llm",
    providers: Object.fromEntries(Object.entries(baseUrls).map(([name, baseUrl]) => [name, { baseUrl }])),
    stores: { counters: memoryRateLimitStore(), cache: memoryCache(), usage: admin?.usage },
    limits: { rate: "60/60s" },
    cache: { ttlSeconds: 300 },
    metrics: sinks,
    ...(admin ? { clients: { keys: admin.keys }, admin: admin.admin } : {}),
    middleware: [teamModelPolicy({ interns: ["claude-haiku-4-5", "gpt-4.1-mini"] })],
  });

  const app = new Hono();
  app.get("/", (c) => c.text("My existing app. The LLM gateway lives under /llm."));
  app.all("/llm/*", (c) => {
    // On Workers and Vercel, hand over the runtime's waitUntil; Node has none and needs none.
    let execution: { waitUntil(p: Promise<unknown>): void } | undefined;
    try {
      execution = c.executionCtx;
    } catch {
      execution = undefined;
    }
    return sluice.fetch(c.req.raw, execution);
  });
  return { app, metrics };
}
