import { type LogMetricsOptions, logMetrics as coreLogMetrics, type MetricsSink } from "@sluice/core";
import { Logger } from "fastly:logger";

export interface FastlyLogMetricsOptions extends Omit<LogMetricsOptions, "write"> {
  /** The service's logging endpoint (BigQuery, S3, Datadog, …). Default "sluice_metrics". */
  endpoint?: string;
}

/**
 * Metrics to a Fastly log endpoint with `fastly:logger`: core's one JSON line per call,
 * `{"event":"sluice.metric",…point}`, the line every log-based adapter writes. Lines to an endpoint the service
 * lacks are dropped by Fastly, never an error for the call.
 *
 * @example
 * ```ts
 * createHandler({ metrics: logMetrics({ endpoint: "sluice_metrics" }) });
 * ```
 */
export function logMetrics({
  endpoint = "sluice_metrics",
  ...options
}: FastlyLogMetricsOptions = {}): MetricsSink {
  let logger: Logger | undefined;
  return coreLogMetrics({
    ...options,
    write(line) {
      logger ??= new Logger(endpoint);
      logger.log(line);
    },
  });
}
