/**
 * @module OTLP/HTTP JSON bodies for one call: an `ExportTraceServiceRequest` with one CLIENT span and an
 * `ExportMetricsServiceRequest` with the GenAI client metrics (delta histograms), shaped field for field like
 * the official `@opentelemetry/otlp-transformer` JSON serializers (the tests compare the two).
 */
import type { MetricPoint } from "../ports/metrics.js";
import {
  type AttributeValue,
  commonAttributes,
  errorType,
  finite,
  operationName,
  spanAttributes,
  tokens,
} from "./genai.js";

/** The conventions' advised bucket boundaries (gen_ai.client.* metrics). */
export const DURATION_BOUNDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
export const TOKEN_BOUNDS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

export interface OtlpCall {
  point: MetricPoint;
  /** Calls this export stands for (1 / the sample rate it was kept at; 1 for errors). */
  weight: number;
  serverAddress: string;
  /** 32 and 16 lowercase hex digits. */
  traceId: string;
  spanId: string;
}

export interface OtlpResource {
  attributes: Record<string, AttributeValue>;
}

const SCOPE = { name: "@sluice/core" };
const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;
/** W3C "sampled" plus OTLP's "has is_remote" bit (a root span, not remote), as the official SDK writes. */
const SPAN_FLAGS = 0x101;
const DELTA = 1;

/** Unix nanoseconds as the decimal string OTLP JSON uses, from milliseconds that may carry a fraction. */
export function unixNanos(ms: number): string {
  const value = Math.max(0, finite(ms));
  const whole = Math.trunc(value);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((value - whole) * 1e6))).toString();
}

function anyValue(value: AttributeValue) {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}

const keyValues = (attributes: Record<string, AttributeValue>) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

const resourceOf = (resource: OtlpResource) => ({
  attributes: keyValues(resource.attributes),
  droppedAttributesCount: 0,
});

function times(point: MetricPoint) {
  const start = finite(point.timestamp);
  return { start: unixNanos(start), end: unixNanos(start + Math.max(0, finite(point.latencyMs))) };
}

export function toOtlpTraces(calls: OtlpCall[], resource: OtlpResource) {
  return {
    resourceSpans: [
      {
        resource: resourceOf(resource),
        scopeSpans: [
          {
            scope: SCOPE,
            spans: calls.map(({ point, weight, serverAddress, traceId, spanId }) => {
              const { start, end } = times(point);
              const error = errorType(point);
              const model = typeof point.model === "string" ? point.model : "";
              return {
                traceId,
                spanId,
                // The conventions' span name: "{gen_ai.operation.name} {gen_ai.request.model}".
                name: model ? `${operationName(point)} ${model}` : operationName(point),
                kind: SPAN_KIND_CLIENT,
                startTimeUnixNano: start,
                endTimeUnixNano: end,
                attributes: keyValues(spanAttributes(point, serverAddress, weight)),
                droppedAttributesCount: 0,
                events: [],
                droppedEventsCount: 0,
                status: error ? { code: STATUS_ERROR, message: error } : { code: STATUS_UNSET },
                links: [],
                droppedLinksCount: 0,
                flags: SPAN_FLAGS,
              };
            }),
          },
        ],
      },
    ],
  };
}

/** One delta histogram point holding `weight` equal observations of `value`. */
function histogramPoint(
  value: number,
  weight: number,
  bounds: number[],
  attributes: Record<string, AttributeValue>,
  point: MetricPoint,
) {
  const { start, end } = times(point);
  // OTLP's explicit buckets are (-inf, b0], (b0, b1], …, (bN, +inf).
  const bucket = bounds.findIndex((bound) => value <= bound);
  const bucketCounts = bounds.map(() => 0).concat(0);
  bucketCounts[bucket === -1 ? bounds.length : bucket] = weight;
  return {
    attributes: keyValues(attributes),
    bucketCounts,
    explicitBounds: bounds,
    count: weight,
    sum: value * weight,
    min: value,
    max: value,
    startTimeUnixNano: start,
    timeUnixNano: end,
  };
}

type HistogramPoint = ReturnType<typeof histogramPoint>;

export function toOtlpMetrics(calls: OtlpCall[], resource: OtlpResource) {
  const duration: HistogramPoint[] = [];
  const usage: HistogramPoint[] = [];
  const firstChunk: HistogramPoint[] = [];
  for (const { point, weight, serverAddress } of calls) {
    const common = commonAttributes(point, serverAddress);
    duration.push(
      histogramPoint(Math.max(0, finite(point.latencyMs)) / 1000, weight, DURATION_BOUNDS, common, point),
    );
    const used = tokens(point);
    // The conventions: report token usage only when the provider reported it.
    if (used.input + used.output > 0) {
      for (const [type, value] of [
        ["input", used.input],
        ["output", used.output],
      ] as const) {
        const attributes = { ...common, "gen_ai.token.type": type };
        usage.push(histogramPoint(value, weight, TOKEN_BOUNDS, attributes, point));
      }
    }
    // Streaming calls only, and only when a stream started (an error answer is not a first chunk).
    if (point.stream === true && finite(point.ttfbMs) >= 0 && finite(point.status) < 400) {
      firstChunk.push(histogramPoint(finite(point.ttfbMs) / 1000, weight, DURATION_BOUNDS, common, point));
    }
  }
  const histogram = (name: string, description: string, unit: string, dataPoints: HistogramPoint[]) => ({
    name,
    description,
    unit,
    histogram: { aggregationTemporality: DELTA, dataPoints },
  });
  const metrics = [histogram("gen_ai.client.operation.duration", "GenAI operation duration.", "s", duration)];
  if (usage.length > 0) {
    metrics.push(
      histogram("gen_ai.client.token.usage", "Number of input and output tokens used.", "{token}", usage),
    );
  }
  if (firstChunk.length > 0) {
    metrics.push(
      histogram(
        "gen_ai.client.operation.time_to_first_chunk",
        "Time to receive the first chunk in the response stream.",
        "s",
        firstChunk,
      ),
    );
  }
  return {
    resourceMetrics: [{ resource: resourceOf(resource), scopeMetrics: [{ scope: SCOPE, metrics }] }],
  };
}
