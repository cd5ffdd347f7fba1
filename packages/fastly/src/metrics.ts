import type { MetricPoint, MetricsSink } from "@sluice/core";
import { Logger } from "fastly:logger";

/**
 * Metrics to a Fastly log endpoint: one JSON line per call, every field of the point, so any log
 * provider (BigQuery, S3, Datadog, …) can map them to columns. The endpoint is the name of a logging
 * endpoint configured on the service; lines to a name the service lacks are dropped by Fastly.
 *
 * @example
 * ```ts
 * createHandler({ metrics: loggerMetrics("sluice_metrics") });
 * ```
 */
export function loggerMetrics(endpoint = "sluice_metrics"): MetricsSink {
  let logger: Logger | undefined;
  return {
    record(point: MetricPoint) {
      try {
        logger ??= new Logger(endpoint);
        logger.log(JSON.stringify(point));
      } catch {
        // A sink must never throw: a lost metric line must not fail the call it describes.
      }
    },
  };
}
