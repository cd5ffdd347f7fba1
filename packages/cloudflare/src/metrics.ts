/**
 * `MetricsSink` on Workers Analytics Engine: one `writeDataPoint` per call, every field mapped by
 * `toDataPoint`, with sampling (all errors, a share of successes) recorded in the point so queries re-weight.
 */
import type { MetricPoint, MetricsSink } from "@sluice/core";
import { toDataPoint } from "./analytics.js";

type DatasetLike = Pick<AnalyticsEngineDataset, "writeDataPoint">;

/** Data points one Worker invocation may write (Analytics Engine limits page; older docs said 25). */
export const AE_MAX_POINTS_PER_INVOCATION = 250;

export interface AnalyticsEngineMetricsOptions {
  /**
   * Share of successful calls written, 0–1. Errors (status ≥ 400 or any failure) are always written. A kept
   * success carries weight `1 / successSampleRate` in `double14`. Default 1 (every call).
   */
  successSampleRate?: number;
  /** Writes allowed per invocation scope (see `invocation()`). Default 250. */
  maxPerInvocation?: number;
  /** Source of randomness for sampling; tests make it deterministic. */
  random?: () => number;
}

export interface AnalyticsEngineSink extends MetricsSink {
  /**
   * A sink for one invocation that stops writing at `maxPerInvocation` points. The gateway writes one point
   * per call and one invocation serves one call, so the shared sink never nears the cap; code that records
   * many points in one invocation (a queue consumer, a replay) must take a scope per invocation.
   */
  invocation(): MetricsSink & { readonly written: number; readonly dropped: number };
}

export const isErrorPoint = (point: MetricPoint): boolean => point.status >= 400 || point.failure !== "";

/**
 * @example
 * const metrics = analyticsEngineMetrics(env.METRICS, { successSampleRate: 0.1 });
 * createGateway({ secrets, metrics });
 */
export function analyticsEngineMetrics(
  dataset: DatasetLike,
  {
    successSampleRate = 1,
    maxPerInvocation = AE_MAX_POINTS_PER_INVOCATION,
    random = Math.random,
  }: AnalyticsEngineMetricsOptions = {},
): AnalyticsEngineSink {
  if (!(successSampleRate >= 0 && successSampleRate <= 1))
    throw new RangeError(`successSampleRate must be between 0 and 1, got ${successSampleRate}.`);

  /** Writes the point if the sample keeps it; true when written. Never throws (the port's rule). */
  const write = (point: MetricPoint): boolean => {
    let weight = 1;
    if (!isErrorPoint(point)) {
      if (successSampleRate === 0 || random() >= successSampleRate) return false;
      weight = 1 / successSampleRate;
    }
    try {
      dataset.writeDataPoint(toDataPoint(point, weight));
      return true;
    } catch {
      return false;
    }
  };

  return {
    record(point) {
      write(point);
    },
    invocation() {
      let written = 0;
      let dropped = 0;
      return {
        get written() {
          return written;
        },
        get dropped() {
          return dropped;
        },
        record(point) {
          if (written >= maxPerInvocation) {
            dropped++;
            return;
          }
          if (write(point)) written++;
        },
      };
    },
  };
}
