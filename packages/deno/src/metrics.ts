import type { MetricPoint, MetricsSink } from "@sluice/core";

export interface LogMetricsOptions {
  /** The `event` field that marks Sluice's lines among your other logs. Default "sluice.metric". */
  event?: string;
  /** Where a line goes. Default `console.log`, which Deno Deploy's log view and OpenTelemetry export pick up. */
  write?: (line: string) => void;
}

/**
 * Metrics as structured logs: one JSON object per call on one line, `{"event":"sluice.metric",…point}`.
 * Deno Deploy shows `console.log` output in its logs view and, with OpenTelemetry on, exports each line as
 * a log record, where the JSON can be filtered and charted. Points never hold keys (core only passes ids).
 *
 * @example
 * createGateway({ secrets, metrics: logMetrics() });
 */
export function logMetrics(options: LogMetricsOptions = {}): MetricsSink {
  const event = options.event ?? "sluice.metric";
  const write = options.write ?? ((line: string) => console.log(line));
  return {
    record(point: MetricPoint) {
      try {
        write(JSON.stringify({ event, ...point }));
      } catch {
        // A sink must not throw (e.g. a closed stdout); losing one line beats failing the call.
      }
    },
  };
}

/** Reads the points back out of captured log lines: tests, and log processing scripts. */
export function parseMetricLines(lines: Iterable<string>, event = "sluice.metric"): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      const { event: kind, ...point } = JSON.parse(line) as { event?: string } & MetricPoint;
      if (kind === event) points.push(point as MetricPoint);
    } catch {
      // Not one of ours.
    }
  }
  return points;
}
