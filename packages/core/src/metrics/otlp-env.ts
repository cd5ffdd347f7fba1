/**
 * @module The standard OpenTelemetry environment variables as `otlpSink` options. Core reads no environment:
 * the adapter or app passes its variables in.
 */
import type { OtlpSinkOptions } from "./otlp.js";

/**
 * Parses the `key=value,key2=value2` lists of `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`
 * (values percent-decoded, as the spec says); malformed entries are skipped.
 */
export function parseOtelList(list: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (list ?? "").split(",")) {
    const at = entry.indexOf("=");
    if (at <= 0) continue;
    const key = entry.slice(0, at).trim();
    let value = entry.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded after all: keep it as written.
    }
    if (key) out[key] = value;
  }
  return out;
}

/**
 * Options for `otlpSink` from `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME`
 * and `OTEL_RESOURCE_ATTRIBUTES`; undefined when no endpoint is set (OpenTelemetry is off).
 *
 * @example
 * ```ts
 * const otel = otlpOptionsFromEnv(env);
 * createGateway({ secrets, metrics: otel ? [otlpSink(otel)] : [] });
 * ```
 */
export function otlpOptionsFromEnv(
  env: Record<string, unknown>,
  defaults: Partial<OtlpSinkOptions> = {},
): OtlpSinkOptions | undefined {
  const read = (name: string) => (typeof env[name] === "string" ? (env[name] as string).trim() : "");
  const endpoint = read("OTEL_EXPORTER_OTLP_ENDPOINT");
  if (!endpoint) return undefined;
  const serviceName = read("OTEL_SERVICE_NAME") || defaults.serviceName;
  return {
    ...defaults,
    endpoint,
    headers: { ...defaults.headers, ...parseOtelList(read("OTEL_EXPORTER_OTLP_HEADERS")) },
    resourceAttributes: {
      ...defaults.resourceAttributes,
      ...parseOtelList(read("OTEL_RESOURCE_ATTRIBUTES")),
    },
    ...(serviceName ? { serviceName } : {}),
  };
}
