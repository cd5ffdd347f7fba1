import type { RetryOptions } from "../options.js";

/** Statuses worth another attempt: rate limited, overloaded, or a server-side failure. */
export function isRetryable(status: number): boolean {
  return status === 429 || status === 529 || (status >= 500 && status !== 501);
}

/** The wait the upstream asked for, from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.has("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter, never shorter than what the upstream asked for. */
export function backoffMs(attempt: number, retry: Required<RetryOptions>, asked: number | undefined): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  return Math.max(asked ?? 0, jittered);
}
