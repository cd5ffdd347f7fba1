/**
 * Deno Deploy shows `console.log` output in its logs view and, with OpenTelemetry on, exports each line as a log
 * record: core's one JSON line per call is Deno's metrics sink, the same line every log-based adapter writes.
 */
export { logMetrics, parseMetricLines, type LogMetricsOptions } from "@sluice/core";
