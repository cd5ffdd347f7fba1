// The contract between the generic server (routing, auth order, faults, recording) and a provider
// module, which only knows its own wire format.
import type { IncomingHttpHeaders } from "node:http";
import type { Usage } from "../content.js";
import type { ProviderName } from "../record.js";

export type OutHeaders = Record<string, string | string[]>;

export interface RequestContext {
  provider: ProviderName;
  method: string;
  /** Path after the provider prefix, e.g. `/v1/messages`. */
  subpath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as a JSON object, or undefined if empty / not an object. */
  json: Record<string, unknown> | undefined;
  /** A non-empty body that is not a JSON object. */
  badJson: boolean;
  /** Record id; seeds the deterministic ids. */
  seq: number;
  /** Requests this provider has seen so far, this one included (for rate-limit headers). */
  requestCount: number;
  /** Content deltas requested (`x-fake-events`). */
  events: number;
  /** Usage for a reply of `count` content deltas (honours `x-fake-usage`). */
  usageFor(count: number): Usage;
  /** Accepted keys for this provider. */
  keys: readonly string[];
  /** Unix seconds at request start (the `created` fields). */
  created: number;
}

/** How one streamed reply is framed; the server decides timing, faults and how many deltas. */
export interface StreamSpec {
  /** Frames before the first content delta (message_start, role chunk, …). */
  preamble(): Iterable<string>;
  /** One content event; `last` is true for the final delta (Gemini puts finishReason on it). */
  delta(text: string, index: number, last: boolean): string;
  /** Closing frames after `count` deltas; `texts` replays the delta texts (Responses' *.done events). */
  epilogue(count: number, texts: () => Iterable<string>): Iterable<string>;
  /** The provider's in-stream error event (what an overload mid-stream looks like). */
  error(): string;
}

export type Reply =
  | { kind: "json"; status: number; headers: OutHeaders; body: string }
  | { kind: "stream"; status: number; headers: OutHeaders; stream: StreamSpec };

export type Handler = (ctx: RequestContext) => Reply;

export interface RetryHints {
  retryAfter?: string | undefined;
  retryAfterMs?: string | undefined;
}

export interface Provider {
  name: ProviderName;
  /** The handler for this method + path, or undefined for an unknown route. */
  route(ctx: RequestContext): Handler | undefined;
  notFound(ctx: RequestContext): Reply;
  /** The provider's own rejection when the key is missing or wrong; undefined when accepted. */
  authenticate(ctx: RequestContext): Reply | undefined;
  /** The provider's error body and headers for an HTTP status (scripted `status=` faults). */
  error(ctx: RequestContext, status: number, hints: RetryHints): Reply;
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

export function bearer(ctx: RequestContext): string | undefined {
  const auth = header(ctx, "authorization");
  const m = auth?.match(/^Bearer\s+(.+)$/i);
  return m?.[1]?.trim();
}

/** `retry-after` / `retry-after-ms` headers exactly as scripted. */
export function retryHeaders(hints: RetryHints): OutHeaders {
  const h: OutHeaders = {};
  if (hints.retryAfter !== undefined) h["retry-after"] = hints.retryAfter;
  if (hints.retryAfterMs !== undefined) h["retry-after-ms"] = hints.retryAfterMs;
  return h;
}

export function streamRequested(ctx: RequestContext): boolean {
  return ctx.json?.["stream"] === true;
}

export function modelOf(ctx: RequestContext): string {
  const m = ctx.json?.["model"];
  return typeof m === "string" ? m : "";
}
