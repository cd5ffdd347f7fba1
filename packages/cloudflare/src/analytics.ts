/**
 * @module The fixed mapping between core's `MetricPoint` and an Analytics Engine data point, both ways.
 * Plain functions with no Workers import, so a Node script reading the SQL API can decode rows too.
 */
import type { MetricPoint } from "@sluice/core";

/**
 * Column of every field. Blobs are strings, doubles numbers; `index1` is the key id, so Analytics Engine
 * samples per key (a busy key never crowds a quiet one out of the sample).
 */
export const COLUMNS = {
  provider: "blob1",
  model: "blob2",
  keyId: "blob3",
  route: "blob4",
  failure: "blob5",
  cache: "blob6",
  timestamp: "double1",
  status: "double2",
  stream: "double3",
  inputTokens: "double4",
  outputTokens: "double5",
  cacheReadTokens: "double6",
  cacheWriteTokens: "double7",
  retries: "double8",
  latencyMs: "double9",
  ttfbMs: "double10",
  costUsd: "double11",
  upstreamRequestsRemaining: "double12",
  upstreamTokensRemaining: "double13",
  /** Calls this point stands for: 1 / the sample rate it was kept at (1 for errors). */
  weight: "double14",
  /** Layout version, so a future layout can be told apart in queries. */
  schema: "blob7",
} as const;

export const SCHEMA = "sluice.1";
/** The index written for calls that were not authenticated (an index cannot be empty in queries). */
export const ANONYMOUS_INDEX = "-";

const BLOBS = ["provider", "model", "keyId", "route", "failure", "cache"] as const;
const DOUBLES = [
  "timestamp",
  "status",
  "stream",
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "retries",
  "latencyMs",
  "ttfbMs",
  "costUsd",
  "upstreamRequestsRemaining",
  "upstreamTokensRemaining",
] as const;

/** Analytics Engine limits: an index of at most 96 bytes; blobs together at most 16 KB. */
const MAX_INDEX_BYTES = 96;
const MAX_BLOB_CHARS = 1024;

export interface DataPoint {
  indexes: string[];
  blobs: string[];
  doubles: number[];
}

const encoder = new TextEncoder();

function clipBytes(text: string, max: number): string {
  if (encoder.encode(text).byteLength <= max) return text;
  let out = text;
  while (encoder.encode(out).byteLength > max) out = out.slice(0, -1);
  return out;
}

/**
 * @example
 * env.METRICS.writeDataPoint(toDataPoint(point, 1));
 */
export function toDataPoint(point: MetricPoint, weight = 1): DataPoint {
  const blobs = BLOBS.map((field) => String(point[field] ?? "").slice(0, MAX_BLOB_CHARS));
  blobs.push(SCHEMA);
  const doubles = DOUBLES.map((field) => {
    const value = field === "stream" ? (point.stream ? 1 : 0) : Number(point[field]);
    return Number.isFinite(value) ? value : 0;
  });
  doubles.push(weight);
  return { indexes: [clipBytes(point.keyId || ANONYMOUS_INDEX, MAX_INDEX_BYTES)], blobs, doubles };
}

/** Decodes what `toDataPoint` wrote: the point, and how many calls it stands for. */
export function fromDataPoint(data: {
  blobs?: readonly unknown[];
  doubles?: readonly unknown[];
}): MetricPoint & { weight: number } {
  const blob = (i: number) => {
    const value = data.blobs?.[i];
    if (value instanceof ArrayBuffer) return new TextDecoder().decode(value);
    return value === null || value === undefined ? "" : String(value);
  };
  const double = (i: number) => Number(data.doubles?.[i] ?? 0);
  const out: Record<string, unknown> = {};
  BLOBS.forEach((field, i) => {
    out[field] = blob(i);
  });
  DOUBLES.forEach((field, i) => {
    out[field] = field === "stream" ? double(i) === 1 : double(i);
  });
  out.weight = double(DOUBLES.length) || 1;
  return out as unknown as MetricPoint & { weight: number };
}

/** Decodes one row of the SQL API (`SELECT * FROM dataset`), whose columns are named blob1…, double1…. */
export function fromSqlRow(row: Record<string, unknown>): MetricPoint & { weight: number } {
  return fromDataPoint({
    blobs: Array.from({ length: BLOBS.length + 1 }, (_, i) => row[`blob${i + 1}`]),
    doubles: Array.from({ length: DOUBLES.length + 1 }, (_, i) => row[`double${i + 1}`]),
  });
}
