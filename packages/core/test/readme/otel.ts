// otel.ts: the adapters' env names, plus OpenTelemetry's
import { createGateway, gatewayOptionsFromEnv, otlpOptionsFromEnv, otlpSink } from "@sluice/core";

const otel = otlpOptionsFromEnv(process.env); // OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
export const gateway = createGateway({
  ...gatewayOptionsFromEnv(process.env),
  metrics: otel ? [otlpSink({ ...otel, successSampleRate: 0.1 })] : [],
});
