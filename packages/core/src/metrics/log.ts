import type { MetricPoint, MetricsSink } from "../ports/metrics.js";

/** The `event` field that marks Sluice's metric lines among an app's other logs. */
export const METRIC_EVENT = "sluice.metric";

export interface LogMetricsOptions {
  /** The `event` field of every line, to filter on in a log view or drain. Default "sluice.metric". */
  event?: string;
  /** Where a line goes. Default `console.log`, which every runtime's log view and drains pick up. */
  write?: (line: string) => void;
}

/**
 * Metrics as structured logs: one JSON object per call on one line, `{"event":"sluice.metric",…point}`.
 * The line shape every adapter without a metrics service uses (Vercel, Deno, Fastly's log endpoints, Node), so
 * one log query or `parseMetricLines` reads them all. A point holds key ids, never keys.
 *
 * @example
 * createGateway({ secrets, metrics: logMetrics() });
 */
export function logMetrics(options: LogMetricsOptions = {}): MetricsSink {
  const event = options.event ?? METRIC_EVENT;
  const write = options.write ?? ((line: string) => console.log(line));
  return {
    record(point: MetricPoint) {
      try {
        write(JSON.stringify({ event, ...point }));
      } catch {
        // A sink must not throw (a closed stdout, a missing log endpoint): losing one line beats failing the call.
      }
    },
  };
}

/** Reads the points back out of captured log lines: tests, and log processing scripts. */
export function parseMetricLines(lines: Iterable<string>, event = METRIC_EVENT): MetricPoint[] {
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
