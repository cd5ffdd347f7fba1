/**
 * @module An OTLP/HTTP JSON metrics sink on nothing but `fetch`: it runs on Vercel, Cloudflare, Deno, Fastly
 * and Node alike, so other adapters can reuse it (it could move to core later).
 */
import type { MetricPoint, MetricsSink } from "@sluice/core";

export interface OtlpSinkOptions {
  /**
   * The collector's OTLP/HTTP base URL, e.g. "https://otel.example.com:4318"; "/v1/logs" is appended
   * unless the URL already ends with it.
   */
  endpoint: string;
  /** Extra request headers, e.g. `{ authorization: "Bearer …" }` for a hosted collector. */
  headers?: Record<string, string>;
  /** The `service.name` resource attribute. Default "sluice". */
  serviceName?: string;
  /** The HTTP client; Fastly needs one that names a backend. Default global `fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Told when an export fails; a sink never throws. Default: ignore. */
  onError?: (error: unknown) => void;
}

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number };

/** Attribute key for a MetricPoint field: `sluice.` + the field name, e.g. "sluice.inputTokens". */
export const otlpAttributeKey = (field: keyof MetricPoint) => `sluice.${field}`;

function toAnyValue(value: string | number | boolean): AnyValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  // OTLP JSON writes int64 as a decimal string; fractions (latency, cost) stay doubles.
  return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** One OTLP log record per call (the logs signal keeps every field of every call, like a log drain). */
export function toOtlpLogs(points: MetricPoint[], serviceName = "sluice"): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: serviceName } }] },
        scopeLogs: [
          {
            scope: { name: "@sluice/vercel/otlp" },
            logRecords: points.map((point) => ({
              timeUnixNano: (BigInt(Math.round(point.timestamp)) * 1_000_000n).toString(),
              severityNumber: point.status >= 500 ? 17 : point.status >= 400 ? 13 : 9,
              severityText: point.status >= 500 ? "ERROR" : point.status >= 400 ? "WARN" : "INFO",
              body: { stringValue: "sluice.call" },
              attributes: (Object.keys(point) as (keyof MetricPoint)[]).map((field) => ({
                key: otlpAttributeKey(field),
                value: toAnyValue(point[field]),
              })),
            })),
          },
        ],
      },
    ],
  };
}

/**
 * Sends each call's MetricPoint to an OpenTelemetry collector as an OTLP/HTTP JSON log record
 * (`POST {endpoint}/v1/logs`). Every field becomes an attribute `sluice.<field>`.
 *
 * @example
 * ```ts
 * import { otlpSink } from "@sluice/vercel/otlp";
 * createGateway({ secrets, metrics: otlpSink({ endpoint: "https://collector:4318" }) });
 * ```
 */
export function otlpSink(options: OtlpSinkOptions): MetricsSink {
  const base = options.endpoint.replace(/\/+$/, "");
  const url = base.endsWith("/v1/logs") ? base : `${base}/v1/logs`;
  const send = options.fetch ?? ((u: string, init: RequestInit) => fetch(u, init));
  return {
    async record(point) {
      try {
        const response = await send(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...options.headers },
          body: JSON.stringify(toOtlpLogs([point], options.serviceName)),
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`OTLP export failed with HTTP ${response.status}`);
      } catch (error) {
        options.onError?.(error);
      }
    },
  };
}
