/** The parts of OTLP JSON request bodies the OTLP tests read (types only; decoding is the official SDK's job). */
export interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number; doubleValue?: number; boolValue?: boolean };
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  status: { code: number; message?: string };
  attributes: KeyValue[];
}
export interface TracesBody {
  resourceSpans: { resource: { attributes: KeyValue[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}
export interface MetricsBody {
  resourceMetrics: {
    scopeMetrics: { metrics: { name: string; histogram: { dataPoints: { attributes: KeyValue[] }[] } }[] }[];
  }[];
}

export const spansOf = (bodies: TracesBody[]): OtlpSpan[] =>
  bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

/** An attribute's value, whatever its type, or undefined when the span lacks it. */
export const attribute = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};
