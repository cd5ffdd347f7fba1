/**
 * `otlpSink` behind a real gateway and a real HTTP receiver on loopback: what a call through an official SDK
 * exports, that no secret reaches the collector, sampling, hostile data and a failing collector.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otlpOptionsFromEnv, otlpSink, parseOtelList } from "../src/index.js";
import { memoryMetrics } from "../src/memory/index.js";
import type { MetricPoint } from "../src/ports/metrics.js";
import { samplePoint } from "../src/testing/index.js";
import { CLIENT_KEY, type Stack, startStack } from "./helpers.js";
import { attribute, type OtlpSpan, spansOf, type TracesBody } from "./otlp-shapes.js";

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

/** A loopback OTLP/HTTP receiver that keeps every request; `status` sets its answer. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { status: 200 };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    received.push({ path: request.url ?? "", headers: request.headers, text, body: JSON.parse(text) });
    response.writeHead(state.status, { "content-type": "application/json" });
    response.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    received,
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const spansIn = (received: Received[]) =>
  spansOf(received.filter((r) => r.path === "/v1/traces").map((r) => r.body as TracesBody)) as [OtlpSpan];

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let stack: Stack;
const memory = memoryMetrics();
const COLLECTOR_TOKEN = "otel-collector-token-7f3a";

beforeAll(async () => {
  receiver = await startReceiver();
  const otel = otlpOptionsFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${COLLECTOR_TOKEN}`,
  });
  stack = await startStack({ metrics: [memory, otlpSink(otel!)] });
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

describe("otlpSink behind the gateway", () => {
  it("a streamed call through the Anthropic SDK exports its span and metrics; no secret reaches the collector", async () => {
    receiver.received.length = 0;
    const stream = anthropicClient().messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await stream.finalMessage();
    await stack.flush();
    const [point] = memory.points.splice(0);
    const [span] = spansIn(receiver.received);
    expect(point).toBeDefined();
    expect(span.name).toBe("chat claude-sonnet-4-6");
    expect(attribute(span, "gen_ai.usage.input_tokens")).toBe(
      final.usage.input_tokens +
        (final.usage.cache_read_input_tokens ?? 0) +
        (final.usage.cache_creation_input_tokens ?? 0),
    );
    expect(attribute(span, "gen_ai.usage.output_tokens")).toBe(final.usage.output_tokens);
    expect(attribute(span, "sluice.key_id")).toBe(point!.keyId);
    expect(attribute(span, "gen_ai.request.stream")).toBe(true);
    expect(receiver.received.map((r) => r.path).sort()).toEqual(["/v1/metrics", "/v1/traces"]);
    for (const request of receiver.received) {
      expect(request.headers.authorization).toBe(`Bearer ${COLLECTOR_TOKEN}`);
      expect(request.headers["content-type"]).toBe("application/json");
      for (const secret of [CLIENT_KEY, FAKE_KEYS.anthropic, COLLECTOR_TOKEN])
        expect(request.text).not.toContain(secret);
    }
  });

  it("a refused call (bad key) is exported as an error with error.type = the failure name", async () => {
    receiver.received.length = 0;
    const response = await fetch(`${stack.url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "not-a-key-at-all", "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 5, messages: [] }),
    });
    expect(response.status).toBe(401);
    await stack.flush();
    memory.points.length = 0;
    const [span] = spansIn(receiver.received);
    expect(attribute(span, "error.type")).toBe("unauthorized");
    expect(span.status).toEqual({ code: 2, message: "unauthorized" });
    expect(receiver.received.map((r) => r.text).join()).not.toContain("not-a-key-at-all");
  });
});

const anthropicClient = () => new Anthropic({ apiKey: CLIENT_KEY, baseURL: `${stack.url}/anthropic` });

describe("otlpSink sampling, like the Analytics Engine sink", () => {
  function counting(rate: number, draws: number[]) {
    const urls: string[] = [];
    const sink = otlpSink({
      endpoint: "http://collector.test",
      successSampleRate: rate,
      random: () => draws.shift() ?? 0,
      fetch: async (url) => {
        urls.push(url);
        return new Response("{}");
      },
    });
    return { sink, urls };
  }

  it("keeps a success when the draw falls in the rate, drops it otherwise, and always keeps errors", async () => {
    const { sink, urls } = counting(0.25, [0.2, 0.3, 0.9, 0.9]);
    await sink.record(samplePoint({ failure: "" })); // 0.2 < 0.25: kept
    await sink.record(samplePoint({ failure: "" })); // 0.3: dropped
    await sink.record(samplePoint({ failure: "upstream_timeout", status: 504 })); // error: kept, no draw
    await sink.record(samplePoint({ failure: "", status: 429 })); // error by status: kept
    expect(urls.length).toBe(3 * 2);
  });

  it("rate 0 exports errors only", async () => {
    const { sink, urls } = counting(0, []);
    await sink.record(samplePoint({ failure: "" }));
    await sink.record(samplePoint({ failure: "prompt_cache_miss" })); // a flag on a success, not an error
    await sink.record(samplePoint({ failure: "overloaded", status: 529 }));
    expect(urls.length).toBe(2);
  });

  it("refuses at startup a rate that is not 1/n and an endpoint that is not an http(s) URL, naming the fix", () => {
    expect(() => otlpSink({ endpoint: "http://c", successSampleRate: 0.3 })).toThrow(/1\/n for a whole n/);
    expect(() => otlpSink({ endpoint: "http://c", successSampleRate: 2 })).toThrow(RangeError);
    expect(() => otlpSink({ endpoint: "collector:4318" })).toThrow(/http\(s\) base URL/);
  });
});

describe("otlpSink never throws and never sends invalid JSON", () => {
  it("hostile points: NaN, negatives, wrong types, missing fields, null", async () => {
    const bodies: string[] = [];
    const errors: unknown[] = [];
    const sink = otlpSink({
      endpoint: "http://collector.test",
      fetch: async (_url, init) => {
        bodies.push(String(init.body));
        return new Response("{}");
      },
      onError: (error) => errors.push(error),
    });
    const hostile = [
      samplePoint({ inputTokens: Number.NaN, latencyMs: Number.POSITIVE_INFINITY, timestamp: -5 }),
      samplePoint({ outputTokens: -3, costUsd: Number.NaN, ttfbMs: Number.NEGATIVE_INFINITY }),
      { ...samplePoint(), model: 42, provider: null, route: undefined } as unknown as MetricPoint,
      {} as MetricPoint,
    ];
    for (const point of hostile) await expect(sink.record(point)).resolves.toBeUndefined();
    await expect(sink.record(null as unknown as MetricPoint)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1); // only null could not become a span
    expect(bodies.length).toBe(hostile.length * 2);
    for (const body of bodies) {
      expect(body).not.toMatch(/NaN|Infinity|null/);
      expect(() => JSON.parse(body)).not.toThrow();
    }
  });

  it("a collector that refuses, or is not there, is reported to onError and never reaches the call", async () => {
    receiver.state.status = 503;
    const errors: unknown[] = [];
    const refused = otlpSink({ endpoint: receiver.url, onError: (e) => errors.push(e) });
    await refused.record(samplePoint());
    receiver.state.status = 200;
    const closed = await startReceiver();
    await closed.close();
    const absent = otlpSink({ endpoint: closed.url, onError: (e) => errors.push(e) });
    await absent.record(samplePoint());
    expect(errors.map((e) => String(e))).toEqual([
      expect.stringMatching(/HTTP 503/),
      expect.stringMatching(/HTTP 503/),
      expect.any(String),
      expect.any(String),
    ]);
  });

  it("parallel calls get distinct span ids", async () => {
    const ids: string[] = [];
    const sink = otlpSink({
      endpoint: "http://collector.test",
      signals: ["traces"],
      fetch: async (_url, init) => {
        ids.push(spansOf([JSON.parse(String(init.body))])[0]!.spanId);
        return new Response("{}");
      },
    });
    await Promise.all(Array.from({ length: 50 }, () => sink.record(samplePoint())));
    expect(new Set(ids).size).toBe(50);
  });
});

describe("otlpOptionsFromEnv: the standard variables", () => {
  it("is off without an endpoint; reads headers, service name and resource attributes", () => {
    expect(otlpOptionsFromEnv({})).toBeUndefined();
    expect(
      otlpOptionsFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: " https://otlp.example.com ",
        OTEL_EXPORTER_OTLP_HEADERS: "api-key=a%2Cb%3Dc, x-tenant = t1,broken,=nokey",
        OTEL_SERVICE_NAME: "edge-gw",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=prod,service.name=ignored",
      }),
    ).toEqual({
      endpoint: "https://otlp.example.com",
      headers: { "api-key": "a,b=c", "x-tenant": "t1" },
      serviceName: "edge-gw",
      resourceAttributes: { "deployment.environment.name": "prod", "service.name": "ignored" },
    });
    expect(parseOtelList("k=%E0%A4%A")).toEqual({ k: "%E0%A4%A" });
  });

  it("OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES, which wins over the default", async () => {
    const names: string[] = [];
    const send = async (_url: string, init: RequestInit) => {
      const { resource } = (JSON.parse(String(init.body)) as TracesBody).resourceSpans[0]!;
      names.push(String(resource.attributes.find((a) => a.key === "service.name")?.value.stringValue));
      return new Response("{}");
    };
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=from-attrs",
    };
    for (const vars of [
      env,
      { ...env, OTEL_SERVICE_NAME: "from-name" },
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" },
    ]) {
      const options = otlpOptionsFromEnv(vars)!;
      await otlpSink({ ...options, fetch: send, signals: ["traces"] }).record(samplePoint());
    }
    expect(names).toEqual(["from-attrs", "from-name", "sluice"]);
  });
});
