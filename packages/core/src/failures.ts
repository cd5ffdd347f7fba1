/**
 * The one failure taxonomy. Every failure Sluice sees or produces has one of these names; it goes in the
 * `x-sluice-failure` response header and in the metrics, so a dashboard and a client speak the same words.
 */
export const FAILURES = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exceeded: 429,
  upstream_rate_limited: 429,
  overloaded: 529,
  upstream_error: 502,
  upstream_unreachable: 502,
  upstream_auth: 502,
  upstream_timeout: 504,
  bad_upstream_response: 502,
  in_stream_overload: 200,
  in_stream_error: 200,
  stream_reset: 200,
  stream_stall: 200,
  /** The request's cacheable prefix was sent moments ago, yet the provider read nothing from its cache. */
  prompt_cache_miss: 200,
  client_abort: 499,
  circuit_open: 503,
  state_unavailable: 503,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type FailureName = keyof typeof FAILURES;

export const FAILURE_HEADER = "x-sluice-failure";

/** Thrown by middleware to end a request with an error in the caller's provider shape. */
export class GatewayError extends Error {
  readonly failure: FailureName;
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(
    failure: FailureName,
    message: string,
    options?: { status?: number; headers?: Record<string, string> },
  ) {
    super(message);
    this.name = "GatewayError";
    this.failure = failure;
    this.status = options?.status ?? FAILURES[failure];
    this.headers = options?.headers ?? {};
  }
}

/** Names the failure behind an upstream error status, for retries and metrics. */
export function failureForUpstreamStatus(status: number): FailureName | undefined {
  if (status === 429) return "upstream_rate_limited";
  if (status === 529 || status === 503) return "overloaded";
  if (status === 401 || status === 403) return "upstream_auth";
  if (status >= 500) return "upstream_error";
  return undefined;
}
