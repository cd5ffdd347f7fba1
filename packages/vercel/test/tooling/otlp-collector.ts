/**
 * A small OTLP/HTTP JSON receiver for the metrics contract: `POST /{id}/v1/traces` keeps each span under `id`,
 * read back into a MetricPoint from its GenAI-convention and `sluice.*` attributes; `POST /{id}/v1/metrics` is
 * accepted and counted; `GET /{id}/points` returns the points. (The wire format itself is checked against the
 * official OpenTelemetry serializers in core's otlp-wire test.)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
};
type Span = {
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: AnyValue }[];
};

function fromAnyValue(value: AnyValue): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  throw new Error(`unsupported OTLP value ${JSON.stringify(value)}`);
}

const ms = (nanos: string) => Number(BigInt(nanos) / 1000n) / 1000;

/** The MetricPoint a span stands for. */
function pointOf(span: Span): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  for (const { key, value } of span.attributes) a[key] = fromAnyValue(value);
  const cacheRead = a["gen_ai.usage.cache_read.input_tokens"] as number;
  const cacheWrite = a["gen_ai.usage.cache_creation.input_tokens"] as number;
  return {
    timestamp: ms(span.startTimeUnixNano),
    provider: a["sluice.provider"],
    model: a["gen_ai.request.model"] ?? "",
    keyId: a["sluice.key_id"],
    route: a["sluice.route"],
    status: a["http.response.status_code"],
    failure: a["sluice.failure"] ?? "",
    stream: a["gen_ai.request.stream"],
    cache: a["sluice.cache"],
    inputTokens: (a["gen_ai.usage.input_tokens"] as number) - cacheRead - cacheWrite,
    outputTokens: a["gen_ai.usage.output_tokens"],
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    retries: a["sluice.retries"],
    latencyMs: ms(span.endTimeUnixNano) - ms(span.startTimeUnixNano),
    ttfbMs: a["sluice.ttfb_ms"],
    costUsd: a["sluice.cost_usd"],
    upstreamRequestsRemaining: a["sluice.upstream.requests_remaining"],
    upstreamTokensRemaining: a["sluice.upstream.tokens_remaining"],
  };
}

export async function startOtlpCollector(): Promise<{ url: string; close(): Promise<void> }> {
  const points = new Map<string, Record<string, unknown>[]>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const [, id, ...rest] = (request.url ?? "").split("/");
    const path = rest.join("/");
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(json));
    };
    if (request.method === "GET" && path === "points") return reply(200, points.get(id!) ?? []);
    if (request.method !== "POST" || (path !== "v1/traces" && path !== "v1/metrics")) return reply(404, {});
    if (!String(request.headers["content-type"]).startsWith("application/json")) return reply(415, {});
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (path === "v1/metrics") return reply(body.resourceMetrics ? 200 : 400, {});
    const list = points.get(id!) ?? [];
    for (const resource of body.resourceSpans)
      for (const scope of resource.scopeSpans) for (const span of scope.spans) list.push(pointOf(span));
    points.set(id!, list);
    reply(200, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
