/**
 * @module `@sluice/vercel/otlp`, kept so existing imports work: the OTLP sink now lives in `@sluice/core`
 * (one span and the GenAI client metrics per call, OpenTelemetry GenAI semantic conventions). Import it from
 * `@sluice/core` in new code.
 */
export { type OtlpSignal, type OtlpSinkOptions, otlpOptionsFromEnv, otlpSink } from "@sluice/core";
