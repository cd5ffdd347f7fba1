/**
 * One JSON line per call on stdout, `{"event":"sluice.metric",…point}`, for the log collector next to the
 * process (journald, Docker's log driver, Vector, Fluent Bit): core's `logMetrics`, the line every log-based
 * adapter writes. For an OpenTelemetry collector use core's `otlpSink`.
 */
export { logMetrics, parseMetricLines, type LogMetricsOptions } from "@sluice/core";
