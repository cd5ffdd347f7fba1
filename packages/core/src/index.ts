/** @module Sluice core: a runtime-agnostic LLM gateway built on web standards, reaching state through ports. */
export { createGateway, type Gateway } from "./gateway.js";
export type {
  ClientOptions,
  GatewayOptions,
  GatewayStores,
  LimitOptions,
  ProviderOptions,
  RetryOptions,
  UpstreamFetch,
  UpstreamOptions,
} from "./options.js";
export type { PassThrough } from "./stream/observe.js";
export {
  housekeeping,
  DEFAULT_RETENTION,
  type HousekeepingReport,
  type RetentionOptions,
} from "./housekeeping.js";
export { GatewayContext, type ExecutionContextLike } from "./context.js";
export { compose, type Handler, type Middleware, type Next } from "./compose.js";
export { FAILURES, FAILURE_HEADER, GatewayError, type FailureName } from "./failures.js";
export {
  PROVIDER_LIST,
  PROVIDER_SECRET_NAMES,
  PROVIDERS,
  type ChatShape,
  type CountTokens,
  type Endpoint,
  type GenAiOperation,
  type ProviderEnv,
  type ProviderDefinition,
  type ProviderEnvName,
  type ProviderName,
  type ProviderSpec,
  type RequestedOutput,
} from "./providers/index.js";
export { defineProvider } from "./providers/define.js";
export type { CorsOptions } from "./middleware/cors.js";
export { staticKeys, keyIdFromHash } from "./middleware/keys.js";
export { CACHE_HEADER } from "./middleware/response-cache.js";
export {
  DEFAULT_PRICING,
  PRICING_DATE,
  costOf,
  type ModelPrice,
  type PricingTable,
} from "./middleware/pricing.js";
export { emptyUsage, type Usage } from "./stream/usage.js";
export { parseRate } from "./util/time.js";
export { modelRouting, rewriteModel, type ModelRoutingOptions } from "./middleware/model-routing.js";
export {
  hydrateObjects,
  defaultAllow,
  OBJECT_SCHEME,
  type HydrateOptions,
} from "./middleware/hydrate-objects.js";
export { CircuitBreaker, type CircuitBreakerOptions } from "./upstream/breaker.js";
export type { FallbackTarget } from "./upstream/targets.js";
export { openAiCompatible } from "./providers/openai-compatible.js";
export { sha256Hex } from "./util/crypto.js";
export type * from "./ports/index.js";
export { addCounters, dayRowHour, emptyCounters, hourOf } from "./ports/usage.js";
export { createClientKey, generateClientKey, CLIENT_KEY_PREFIX } from "./spend/keygen.js";
export { budgets, billedTokens, BUDGET_REMAINING_HEADER, type BudgetOptions } from "./spend/budget.js";
export { budgetWindow, dayOf, type BudgetWindow } from "./spend/window.js";
export { estimateInputTokens, maxOutputTokens } from "./spend/estimate.js";
export { countInputTokens } from "./spend/count-tokens.js";
export { ADMIN_SECRET } from "./admin/guard.js";
export type { AdminOptions } from "./admin/index.js";
export type { AdminHost, AdminMcpHandler } from "./admin/mcp.js";
export { SseReader } from "./stream/sse-reader.js";
export { metricPoint } from "./middleware/metrics.js";
export type { LeaseOptions } from "./middleware/rate-limit-lease.js";
export { logMetrics, parseMetricLines, METRIC_EVENT, type LogMetricsOptions } from "./metrics/log.js";
export { otlpSink, type OtlpSinkOptions, type OtlpSignal } from "./metrics/otlp.js";
export { otlpOptionsFromEnv, parseOtelList } from "./metrics/otlp-env.js";
export { BASE_URL_ENV, SETTINGS_ENV, envSecrets, gatewayOptionsFromEnv, type EnvRecord } from "./env.js";
