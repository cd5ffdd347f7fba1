/**
 * Core defects this suite found, reported to the core owner. Their cases still run and must fail exactly as
 * described: when core is fixed, the case passes, the check below fails, and the entry must be removed.
 */
import type { FaultMode } from "./faults.js";
import type { RouteCase } from "./routes.js";

export interface KnownDefect {
  id: string;
  summary: string;
  applies(route: RouteCase, fault: FaultMode): boolean;
  /** Every problem of an affected case must match this (so a new, different problem still fails). */
  symptom: RegExp;
}

export const KNOWN_DEFECTS: KnownDefect[] = [
  {
    id: "D1",
    summary:
      "A streamed call (stream:true, or Gemini :streamGenerateContent) answered by an upstream error status with a JSON body: the header names the status's failure (upstream_rate_limited, upstream_error, overloaded) but the metric point says in_stream_error / in_stream_overload. respond.ts sends it through tapBody (because ctx.stream) whose end-of-body parse reads the error body as an in-stream failure, and metricPoint prefers the tap's failure over ctx.failure.",
    // Not Cerebras: its error body is top-level {message,type}, which the usage reader does not see as an error.
    applies: (route, fault) =>
      route.stream && route.provider !== "cerebras" && fault.header.startsWith("status="),
    symptom:
      /^metric failure "in_stream_(error|overload)" ≠ header "(upstream_rate_limited|upstream_error|overloaded)"$/,
  },
  {
    id: "D2",
    summary:
      "Gemini :streamGenerateContent without alt=sse (a streamed JSON array): when the upstream resets mid-stream, the client's body is cut off (fetch: terminated) instead of ending in a well-formed way; tapBody calls controller.error for non-SSE bodies.",
    applies: (route, fault) => route.stream && !route.sse && fault.header.startsWith("reset-after"),
    symptom: /^the response body broke off/,
  },
  {
    id: "D3",
    summary:
      "Gemini :streamGenerateContent without alt=sse: a stalled upstream is never ended; streamIdleMs only applies to SSE (tapBody's read() skips the idle timer when !options.sse), so the client hangs until the upstream gives up (the fake: 5 minutes).",
    applies: (route, fault) => route.stream && !route.sse && fault.header.startsWith("stall-after"),
    symptom: /^HANG: .*|^the response body broke off: This operation was aborted$/,
  },
  {
    id: "D4",
    summary:
      "Anthropic streams: the upstream headers timer (timeouts.headersMs) stays armed while holdPreamble waits for the first content delta; when the first delta comes later than headersMs after the call started, the timer aborts the upstream, holdPreamble's reader.read() rejects uncaught, and the client gets a 500 internal_error instead of its stream.",
    applies: (route, fault) => route.provider === "anthropic" && route.stream && fault.header === "drip=600",
    symptom: /^Sluice answered with its own internal_error \(500\)$/,
  },
];

export function defectFor(route: RouteCase, fault: FaultMode): KnownDefect | undefined {
  return KNOWN_DEFECTS.find((d) => d.applies(route, fault));
}
