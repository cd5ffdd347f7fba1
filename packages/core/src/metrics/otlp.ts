/**
 * @module `otlpSink`: a `MetricsSink` exporting one span and the GenAI client metrics per call to an
 * OpenTelemetry collector as OTLP/HTTP JSON over `fetch`, so it runs on every runtime.
 */
import type { MetricPoint, MetricsSink } from "../ports/metrics.js";
import { DEFAULT_SERVER_ADDRESSES, errorType } from "./genai.js";
import { type OtlpCall, type OtlpResource, toOtlpMetrics, toOtlpTraces } from "./otlp-json.js";

export type OtlpSignal = "traces" | "metrics";

export interface OtlpSinkOptions {
  /**
   * The collector's OTLP/HTTP base URL, as in `OTEL_EXPORTER_OTLP_ENDPOINT` (e.g. "http://collector:4318");
   * "/v1/traces" and "/v1/metrics" are appended.
   */
  endpoint: string;
  /** Request headers, e.g. `{ authorization: "Bearer …" }` for a hosted collector. Never exported as data. */
  headers?: Record<string, string>;
  /** The `service.name` resource attribute. Default "sluice". */
  serviceName?: string;
  /** More resource attributes, e.g. `{ "deployment.environment.name": "prod" }`. */
  resourceAttributes?: Record<string, string>;
  /** What to export. Default both. */
  signals?: OtlpSignal[];
  /**
   * Share of successful calls exported, 0 or 1/n for a whole n (1, 0.5, 0.1, 0.01…); errors are always exported.
   * A kept success stands for n calls: its histogram points count n and its span says `sluice.sample_weight`.
   * Default 1 (every call).
   */
  successSampleRate?: number;
  /** `server.address` per provider, when the gateway's base URLs point elsewhere than the real APIs. */
  serverAddresses?: Record<string, string>;
  /** The HTTP client; Fastly needs one that names a backend. Default global `fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Told when an export fails; the sink never throws. Default: ignore. */
  onError?: (error: unknown) => void;
  /** Source of randomness for sampling; tests make it deterministic. */
  random?: () => number;
}

const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

/** The whole number of calls one kept success stands for, or a startup error naming the fix. */
function sampleWeight(rate: number): number {
  if (rate === 0) return Number.POSITIVE_INFINITY;
  const weight = Math.round(1 / rate);
  if (!(rate > 0 && rate <= 1) || Math.abs(weight * rate - 1) > 1e-9) {
    throw new RangeError(
      `otlpSink: successSampleRate must be 0 or 1/n for a whole n (1, 0.5, 0.25, 0.1, 0.01…), got ${rate}, so each kept call stands for a whole number of calls in the histograms.`,
    );
  }
  return weight;
}

function endpointUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(
      `otlpSink: endpoint must be the collector's http(s) base URL, e.g. otlpSink({ endpoint: "http://collector:4318" }); got ${JSON.stringify(endpoint)}.`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * @example
 * ```ts
 * import { createGateway, otlpSink } from "@sluice/core";
 * createGateway({ secrets, metrics: otlpSink({ endpoint: "http://collector:4318", successSampleRate: 0.1 }) });
 * ```
 */
export function otlpSink(options: OtlpSinkOptions): MetricsSink {
  const base = endpointUrl(options.endpoint);
  const weight = sampleWeight(options.successSampleRate ?? 1);
  const signals = new Set<OtlpSignal>(options.signals ?? ["traces", "metrics"]);
  const random = options.random ?? Math.random;
  const send = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const addresses = { ...DEFAULT_SERVER_ADDRESSES, ...options.serverAddresses };
  const resource: OtlpResource = {
    attributes: {
      ...options.resourceAttributes,
      // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES, as the spec says.
      "service.name": options.serviceName ?? options.resourceAttributes?.["service.name"] ?? "sluice",
    },
  };

  const post = async (signal: OtlpSignal, body: () => unknown) => {
    try {
      const response = await send(`${base}/v1/${signal}`, {
        method: "POST",
        headers: { ...options.headers, "content-type": "application/json" },
        body: JSON.stringify(body()),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`OTLP export to /v1/${signal} failed with HTTP ${response.status}.`);
    } catch (error) {
      options.onError?.(error);
    }
  };

  return {
    async record(point: MetricPoint) {
      let call: OtlpCall;
      try {
        const isError = errorType(point) !== undefined;
        if (!isError && weight > 1 && (weight === Number.POSITIVE_INFINITY || random() * weight >= 1)) return;
        const provider = typeof point.provider === "string" ? point.provider : "";
        call = {
          point,
          weight: isError ? 1 : weight,
          serverAddress: addresses[provider] ?? "",
          traceId: hex(16),
          spanId: hex(8),
        };
      } catch (error) {
        options.onError?.(error);
        return;
      }
      const sends: Promise<void>[] = [];
      if (signals.has("traces")) sends.push(post("traces", () => toOtlpTraces([call], resource)));
      if (signals.has("metrics")) sends.push(post("metrics", () => toOtlpMetrics([call], resource)));
      await Promise.all(sends);
    },
  };
}
