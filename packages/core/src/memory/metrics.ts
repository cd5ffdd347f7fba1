import type { MetricPoint, MetricsSink } from "../ports/metrics.js";

/** Keeps every point in an array: tests, and a local demo that prints them. */
export function memoryMetrics(): MetricsSink & { points: MetricPoint[] } {
  const points: MetricPoint[] = [];
  return {
    points,
    record(point) {
      points.push({ ...point });
    },
  };
}
