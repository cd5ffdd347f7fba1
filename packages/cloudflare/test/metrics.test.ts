import { metricsContract, samplePoint } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import {
  AE_MAX_POINTS_PER_INVOCATION,
  analyticsEngineMetrics,
  COLUMNS,
  fromDataPoint,
  fromSqlRow,
  toDataPoint,
} from "../src/index.js";
import { recordingDataset } from "./recording-dataset.js";

describe("Analytics Engine metrics: core contract (real local binding, read back through a recording wrapper)", () => {
  const cases = metricsContract({
    make() {
      const dataset = recordingDataset(env.METRICS);
      const sink = analyticsEngineMetrics(dataset);
      return { sink, read: async () => dataset.written.map((p) => fromDataPoint(p)) };
    },
  });
  for (const c of cases) test(c.name, c.run);
});

describe("Analytics Engine metrics: layout", () => {
  test("index1 is the key id, every blob and double is where COLUMNS says", () => {
    const point = samplePoint();
    const data = toDataPoint(point, 4);
    expect(data.indexes).toEqual([point.keyId]);
    expect(data.blobs.length).toBeLessThanOrEqual(20);
    expect(data.doubles.length).toBeLessThanOrEqual(20);
    const row: Record<string, unknown> = {};
    data.blobs.forEach((v, i) => {
      row[`blob${i + 1}`] = v;
    });
    data.doubles.forEach((v, i) => {
      row[`double${i + 1}`] = v;
    });
    for (const [field, column] of Object.entries(COLUMNS)) {
      if (field === "weight") expect(row[column]).toBe(4);
      else if (field === "schema") expect(row[column]).toBe("sluice.1");
      else if (field === "stream") expect(row[column]).toBe(1);
      else expect(row[column]).toBe(point[field as keyof typeof point]);
    }
    // A SQL API row decodes to the same point.
    expect(fromSqlRow(row)).toEqual({ ...point, weight: 4 });
  });

  test("an unauthenticated call is indexed as '-', and an index is clipped to 96 bytes", () => {
    expect(toDataPoint(samplePoint({ keyId: "" })).indexes).toEqual(["-"]);
    const long = toDataPoint(samplePoint({ keyId: "ü".repeat(80) })).indexes[0] ?? "";
    expect(new TextEncoder().encode(long).byteLength).toBeLessThanOrEqual(96);
  });
});

describe("Analytics Engine metrics: sampling and the per-invocation cap", () => {
  test("all errors are kept; successes at the configured share, weighted 1/share", async () => {
    const dataset = recordingDataset(env.METRICS);
    let n = 0;
    // Deterministic randomness: 0.05, 0.15, …, 0.95 — a 0.3 share keeps exactly 3 in 10 successes.
    const sink = analyticsEngineMetrics(dataset, {
      successSampleRate: 0.3,
      random: () => ((n++ % 10) + 0.5) / 10,
    });
    for (let i = 0; i < 100; i++) await sink.record(samplePoint({ status: 200, failure: "" }));
    for (let i = 0; i < 7; i++) await sink.record(samplePoint({ status: 529, failure: "upstream_error" }));
    await sink.record(samplePoint({ status: 200, failure: "in_stream_overload" }));
    const back = dataset.written.map((p) => fromDataPoint(p));
    const successes = back.filter((p) => p.status === 200 && p.failure === "");
    const errors = back.filter((p) => p.status >= 400 || p.failure !== "");
    expect(successes.length).toBe(30);
    expect(errors.length).toBe(8);
    expect(successes.every((p) => Math.abs(p.weight - 1 / 0.3) < 1e-9)).toBe(true);
    expect(errors.every((p) => p.weight === 1)).toBe(true);
    // Re-weighted, the sample estimates the true count of successes exactly here.
    expect(Math.round(successes.reduce((s, p) => s + p.weight, 0))).toBe(100);
  });

  test("a share of 0 writes errors only; a share outside 0–1 is refused", async () => {
    const dataset = recordingDataset(env.METRICS);
    const sink = analyticsEngineMetrics(dataset, { successSampleRate: 0 });
    await sink.record(samplePoint({ status: 200, failure: "" }));
    await sink.record(samplePoint({ status: 500, failure: "" }));
    expect(dataset.written.map((p) => fromDataPoint(p).status)).toEqual([500]);
    expect(() => analyticsEngineMetrics(dataset, { successSampleRate: 1.5 })).toThrow(RangeError);
  });

  test(`an invocation scope stops at ${AE_MAX_POINTS_PER_INVOCATION} writes and counts what it dropped`, async () => {
    const dataset = recordingDataset(env.METRICS);
    const scope = analyticsEngineMetrics(dataset).invocation();
    for (let i = 0; i < AE_MAX_POINTS_PER_INVOCATION + 20; i++)
      await scope.record(samplePoint({ inputTokens: i }));
    expect(dataset.written.length).toBe(AE_MAX_POINTS_PER_INVOCATION);
    expect(scope.written).toBe(AE_MAX_POINTS_PER_INVOCATION);
    expect(scope.dropped).toBe(20);
  });

  test("record never throws, even when the binding does", async () => {
    const sink = analyticsEngineMetrics({
      writeDataPoint() {
        throw new Error("boom");
      },
    });
    expect(() => sink.record(samplePoint())).not.toThrow();
  });
});
