import type { MetricPoint, MetricsSink } from "../ports/metrics.js";
import { type ContractCase, check, equal } from "./assert.js";

export interface MetricsContractOptions {
  /** A new sink, plus a way to read back what it wrote (decoded to MetricPoint). */
  make: () =>
    | Promise<{ sink: MetricsSink; read: () => Promise<MetricPoint[]> }>
    | { sink: MetricsSink; read: () => Promise<MetricPoint[]> };
  /** Fields the platform cannot keep at full precision, compared with this tolerance. */
  tolerance?: number;
}

/** A point with a distinct, non-default value in every field, so a dropped or swapped field shows. */
export function samplePoint(overrides: Partial<MetricPoint> = {}): MetricPoint {
  return {
    timestamp: 1_763_800_000_123,
    provider: "anthropic",
    model: "claude-sonnet-4-6",
    keyId: "key_0123456789ab",
    route: "anthropic.messages",
    status: 200,
    failure: "in_stream_overload",
    stream: true,
    cache: "MISS",
    inputTokens: 1201,
    outputTokens: 302,
    cacheReadTokens: 4003,
    cacheWriteTokens: 504,
    retries: 2,
    latencyMs: 1234.5,
    ttfbMs: 210,
    costUsd: 0.012345,
    upstreamRequestsRemaining: 49,
    upstreamTokensRemaining: 79_000,
    ...overrides,
  };
}

export const METRIC_FIELDS = Object.keys(samplePoint()) as (keyof MetricPoint)[];

/** What every metrics sink must do: keep every field of every point. */
export function metricsContract({ make, tolerance = 1e-9 }: MetricsContractOptions): ContractCase[] {
  return [
    {
      name: "metrics: every field of a point survives",
      async run() {
        const { sink, read } = await make();
        const point = samplePoint();
        await sink.record(point);
        const [back] = await read();
        check(back, "the point must be readable after record()");
        for (const field of METRIC_FIELDS) {
          const a = back[field];
          const b = point[field];
          if (typeof b === "number" && typeof a === "number") {
            check(
              Math.abs(a - b) <= Math.abs(b) * tolerance + tolerance,
              `field ${field}: expected ${b}, got ${a}`,
            );
          } else equal(a, b, `field ${field}`);
        }
      },
    },
    {
      name: "metrics: many points recorded at once are all kept",
      async run() {
        const { sink, read } = await make();
        await Promise.all(
          Array.from({ length: 25 }, (_, i) => sink.record(samplePoint({ inputTokens: i, failure: "" }))),
        );
        const back = await read();
        equal(back.length, 25, "points read back");
        const seen = new Set(back.map((p) => p.inputTokens));
        equal(seen.size, 25, "distinct points");
      },
    },
  ];
}
