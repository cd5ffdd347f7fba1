/**
 * Vercel ships `console.log` output to its runtime logs and to log drains (Datadog, Axiom, …): core's one JSON
 * line per call, `{"event":"sluice.metric",…point}`, is Vercel's metrics sink, the line every log-based adapter
 * writes. For an OpenTelemetry collector use `otlpSink` (`@sluice/vercel/otlp`).
 */
export { logMetrics, parseMetricLines, type LogMetricsOptions } from "@sluice/core";
