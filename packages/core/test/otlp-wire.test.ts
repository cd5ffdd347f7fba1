/**
 * What `otlpSink` sends, decoded with the official OpenTelemetry JS packages: the same call recorded through
 * the real SDK (`@opentelemetry/sdk-trace`, `@opentelemetry/sdk-metrics`) and serialized by
 * `@opentelemetry/otlp-transformer`'s JSON serializers must equal Sluice's body, and every attribute and
 * metric name must be the one `@opentelemetry/semantic-conventions` 1.45 defines.
 * (No OpenTelemetry collector binary can be installed here, so the SDK's own encoder is the reference.)
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { JsonMetricsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
} from "@opentelemetry/semantic-conventions";
import * as semconv from "@opentelemetry/semantic-conventions/incubating";
import { describe, expect, it } from "vitest";
import { otlpSink } from "../src/index.js";
import type { MetricPoint } from "../src/ports/metrics.js";
import { samplePoint } from "../src/testing/index.js";
import { attribute, type MetricsBody, type OtlpSpan, spansOf, type TracesBody } from "./otlp-shapes.js";

type Sent = { url: string; body: unknown; headers: Headers };

/** The sink with a fetch that keeps what it was given. */
function capture(options: Partial<Parameters<typeof otlpSink>[0]> = {}) {
  const sent: Sent[] = [];
  const sink = otlpSink({
    endpoint: "http://collector.test:4318/",
    fetch: async (url, init) => {
      sent.push({ url, body: JSON.parse(String(init.body)), headers: new Headers(init.headers) });
      return new Response("{}", { status: 200 });
    },
    ...options,
  });
  const find = (signal: string) => sent.find((s) => s.url.endsWith(`/v1/${signal}`))?.body;
  const traces = () => find("traces") as TracesBody;
  const metrics = () => find("metrics") as MetricsBody;
  return { sink, sent, traces, metrics };
}

const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** Sorts every attribute list and data point list, so order is not compared (OTLP gives it no meaning). */
function normalize(value: unknown): unknown {
  const json = JSON.parse(JSON.stringify(value));
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      const items = node.map(walk) as Record<string, unknown>[];
      const by = (field: string) => (a: Record<string, unknown>, b: Record<string, unknown>) =>
        JSON.stringify(a[field]).localeCompare(JSON.stringify(b[field]));
      if (items.every((i) => i && typeof i === "object" && "key" in i && "value" in i))
        return items.sort(by("key"));
      if (items.every((i) => i && typeof i === "object" && "bucketCounts" in i))
        return items.sort(by("attributes"));
      return items;
    }
    if (node && typeof node === "object")
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [
          k,
          k === "sum" ? Number((v as number).toPrecision(12)) : walk(v),
        ]),
      );
    return node;
  };
  return walk(json);
}

const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));

/** The conventions' attributes for `samplePoint()`, written out from the semconv constants. */
function expectedCommon(point: MetricPoint) {
  return {
    [semconv.ATTR_GEN_AI_OPERATION_NAME]: semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [semconv.ATTR_GEN_AI_PROVIDER_NAME]: semconv.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
    [semconv.ATTR_GEN_AI_REQUEST_MODEL]: point.model,
    [semconv.ATTR_GEN_AI_RESPONSE_MODEL]: point.model,
    [ATTR_SERVER_ADDRESS]: "api.anthropic.com",
    ...(point.failure ? { [ATTR_ERROR_TYPE]: point.failure } : {}),
  };
}

function officialTraces(
  point: MetricPoint,
  traceId: string,
  spanId: string,
  extra: Record<string, unknown> = {},
) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "sluice" }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    idGenerator: { generateTraceId: () => traceId, generateSpanId: () => spanId },
  });
  const cached = point.cacheReadTokens + point.cacheWriteTokens;
  const span = provider.getTracer("@sluice/core").startSpan(`chat ${point.model}`, {
    kind: SpanKind.CLIENT,
    startTime: hrTime(point.timestamp),
    attributes: {
      ...expectedCommon(point),
      [semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: point.inputTokens + cached,
      [semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: point.outputTokens,
      [semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: point.cacheReadTokens,
      [semconv.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: point.cacheWriteTokens,
      [semconv.ATTR_GEN_AI_REQUEST_STREAM]: point.stream,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: point.status,
      "sluice.provider": point.provider,
      "sluice.route": point.route,
      "sluice.key_id": point.keyId,
      "sluice.cache": point.cache,
      "sluice.retries": point.retries,
      "sluice.ttfb_ms": point.ttfbMs,
      "sluice.cost_usd": point.costUsd,
      "sluice.upstream.requests_remaining": point.upstreamRequestsRemaining,
      "sluice.upstream.tokens_remaining": point.upstreamTokensRemaining,
      ...(point.failure ? { "sluice.failure": point.failure } : {}),
      ...extra,
    },
  });
  if (point.failure) span.setStatus({ code: SpanStatusCode.ERROR, message: point.failure });
  span.end(hrTime(point.timestamp + point.latencyMs));
  return decode(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
}

class DeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

/** The conventions' advised boundaries, as written in the GenAI metrics spec. */
const SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

async function officialMetrics(point: MetricPoint, times = 1) {
  const reader = new DeltaReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ "service.name": "sluice" }),
    readers: [reader],
  });
  // Sluice's scope has no version; the SDK writes "" for that, which OTLP reads the same as absent.
  const meter = provider.getMeter("@sluice/core");
  const duration = meter.createHistogram(semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
    unit: "s",
    description: "GenAI operation duration.",
    advice: { explicitBucketBoundaries: SECONDS },
  });
  const usage = meter.createHistogram(semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
    unit: "{token}",
    description: "Number of input and output tokens used.",
    advice: { explicitBucketBoundaries: TOKENS },
  });
  const firstChunk = meter.createHistogram(semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
    unit: "s",
    description: "Time to receive the first chunk in the response stream.",
    advice: { explicitBucketBoundaries: SECONDS },
  });
  const common = expectedCommon(point);
  const input = point.inputTokens + point.cacheReadTokens + point.cacheWriteTokens;
  for (let i = 0; i < times; i++) {
    duration.record(point.latencyMs / 1000, common);
    usage.record(input, {
      ...common,
      [semconv.ATTR_GEN_AI_TOKEN_TYPE]: semconv.GEN_AI_TOKEN_TYPE_VALUE_INPUT,
    });
    usage.record(point.outputTokens, {
      ...common,
      [semconv.ATTR_GEN_AI_TOKEN_TYPE]: semconv.GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
    });
    firstChunk.record(point.ttfbMs / 1000, common);
  }
  const { resourceMetrics } = await reader.collect();
  for (const scope of resourceMetrics.scopeMetrics) scope.scope = { name: scope.scope.name };
  // The SDK stamps collection times; a per-call export covers exactly the call.
  for (const scope of resourceMetrics.scopeMetrics)
    for (const metric of scope.metrics)
      for (const dataPoint of metric.dataPoints) {
        Object.assign(dataPoint, {
          startTime: hrTime(point.timestamp),
          endTime: hrTime(point.timestamp + point.latencyMs),
        });
      }
  return decode(JsonMetricsSerializer.serializeRequest(resourceMetrics));
}

describe("otlpSink: the wire format is what the official OpenTelemetry JS SDK sends", () => {
  it("one CLIENT span per call, equal to the SDK's span for the same call", async () => {
    const { sink, sent, traces } = capture();
    const point = samplePoint();
    await sink.record(point);
    expect(sent.map((s) => s.url).sort()).toEqual([
      "http://collector.test:4318/v1/metrics",
      "http://collector.test:4318/v1/traces",
    ]);
    const [span] = spansOf([traces()]) as [OtlpSpan];
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(normalize(traces())).toEqual(normalize(officialTraces(point, span.traceId, span.spanId)));
  });

  it("a successful call: status unset, no error.type, gen_ai.response.model from the point", async () => {
    const { sink, traces } = capture();
    const point = samplePoint({ failure: "", status: 200 });
    await sink.record(point);
    const [span] = spansOf([traces()]) as [OtlpSpan];
    expect(normalize(traces())).toEqual(normalize(officialTraces(point, span.traceId, span.spanId)));
    expect(span.status).toEqual({ code: 0 });
  });

  it("the GenAI client metrics equal the SDK's delta histograms for the same observations", async () => {
    const { sink, metrics } = capture();
    const point = samplePoint({ failure: "" });
    await sink.record(point);
    expect(normalize(metrics())).toEqual(normalize(await officialMetrics(point)));
  });

  it("a kept sampled success stands for n calls: the SDK recording it n times sends the same histograms", async () => {
    const { sink, traces, metrics } = capture({ successSampleRate: 0.1, random: () => 0.05 });
    const point = samplePoint({ failure: "" });
    await sink.record(point);
    expect(normalize(metrics())).toEqual(normalize(await officialMetrics(point, 10)));
    const [span] = spansOf([traces()]) as [OtlpSpan];
    expect(normalize(traces())).toEqual(
      normalize(officialTraces(point, span.traceId, span.spanId, { "sluice.sample_weight": 10 })),
    );
  });

  it("every attribute and metric name outside sluice.* is one the semantic conventions define", async () => {
    const { sink, traces, metrics } = capture();
    await sink.record(samplePoint());
    await sink.record(
      samplePoint({ failure: "", provider: "gemini", route: "gemini.streamGenerateContent" }),
    );
    const defined = new Set(
      Object.entries(semconv)
        .filter(([name]) => name.startsWith("ATTR_") || name.startsWith("METRIC_"))
        .map(([, value]) => String(value)),
    );
    const spans = spansOf([traces()]);
    const kinds = metrics().resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    const keys = new Set<string>([
      ...spans.flatMap((s) => s.attributes.map((a) => a.key)),
      ...kinds.flatMap((m) => m.histogram.dataPoints.flatMap((p) => p.attributes.map((a) => a.key))),
      ...traces().resourceSpans[0]!.resource.attributes.map((a) => a.key),
    ]);
    const foreign = [...keys].filter((key) => !key.startsWith("sluice.") && !defined.has(key));
    expect(foreign).toEqual([]);
    for (const metric of kinds) expect(defined.has(metric.name), metric.name).toBe(true);
  });

  it("providers and operations use the conventions' values where one exists", async () => {
    const cases: [Partial<MetricPoint>, string, string][] = [
      [
        { provider: "anthropic", route: "anthropic.messages" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
        semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      ],
      [
        { provider: "openai", route: "openai.chat" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
        semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      ],
      [
        { provider: "openai", route: "openai.responses" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
        semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      ],
      [
        { provider: "openai", route: "openai.embeddings" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
        semconv.GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
      ],
      [
        { provider: "gemini", route: "gemini.generateContent" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
        semconv.GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
      ],
      [
        { provider: "gemini", route: "gemini.embedContent" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
        semconv.GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
      ],
      [
        { provider: "groq", route: "groq.chat" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_GROQ,
        semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      ],
      // No conventional value: the Sluice names stay.
      [
        { provider: "cerebras", route: "cerebras.chat" },
        "cerebras",
        semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      ],
      [
        { provider: "anthropic", route: "anthropic.count_tokens" },
        semconv.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
        "count_tokens",
      ],
    ];
    for (const [fields, provider, operation] of cases) {
      const { sink, traces } = capture();
      await sink.record(samplePoint(fields));
      const [span] = spansOf([traces()]);
      const value = (key: string) => attribute(span!, key);
      expect([value(semconv.ATTR_GEN_AI_PROVIDER_NAME), value(semconv.ATTR_GEN_AI_OPERATION_NAME)]).toEqual([
        provider,
        operation,
      ]);
    }
  });
});
