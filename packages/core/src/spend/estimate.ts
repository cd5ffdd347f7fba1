/**
 * What a call may cost before it is made: the input from the body size, the output from the request's own
 * cap. Deliberately on the high side (JSON punctuation counts as text), since a reservation is refunded to
 * the observed usage afterwards; near the cap the provider's own count replaces the input estimate.
 */
import { endpointOf, type RequestedOutput, routesWith } from "../providers/index.js";

type Json = Record<string, unknown>;

/** Routes that bill tokens and carry a JSON body (`metered` endpoints); the counting endpoints are free. */
export const METERED_ROUTES = new Set(routesWith("metered"));

const positive = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.ceil(v) : undefined;

/** Input estimate: about four bytes of JSON per token, rounded up. */
export const estimateInputTokens = (bodyBytes: number): number => Math.ceil(bodyBytes / 4);

/**
 * The most output tokens the request allows: Anthropic `max_tokens`; OpenAI `max_completion_tokens`,
 * `max_tokens` or (Responses) `max_output_tokens`, times `n`; Gemini `generationConfig.maxOutputTokens`.
 * Undefined when the request sets no cap (the call is open-ended); 0 for embeddings.
 */
export function outputCap(route: string, json: unknown): number | undefined {
  const found = endpointOf(route);
  if (found?.endpoint.operation === "embeddings") return 0;
  const { cap, n } = requested(route, json);
  return cap === undefined ? undefined : cap * (n ?? 1);
}

/** The output to reserve: the request's cap, or `fallback` (times `n`) when it sets none. */
export function maxOutputTokens(route: string, json: unknown, fallback: number): number {
  const cap = outputCap(route, json);
  return cap ?? fallback * (requested(route, json).n ?? 1);
}

/** The chat APIs' own fields, for providers that do not read their requests otherwise. */
const chatRequestedOutput: RequestedOutput = (body) => ({
  cap: positive(body.max_completion_tokens) ?? positive(body.max_tokens) ?? positive(body.max_output_tokens),
  n: positive(body.n),
});

function requested(route: string, json: unknown): ReturnType<RequestedOutput> {
  const body = (typeof json === "object" && json !== null ? json : {}) as Json;
  return (endpointOf(route)?.provider.requestedOutput ?? chatRequestedOutput)(body);
}
