/**
 * What a call may cost before it is made: the input from the body size, the output from the request's own
 * cap. Deliberately on the high side (JSON punctuation counts as text), since a reservation is refunded to
 * the observed usage afterwards; near the cap the provider's own count replaces the input estimate.
 */
type Json = Record<string, unknown>;

/** Routes that bill tokens and carry a JSON body; the counting endpoints themselves are free. */
export const METERED_ROUTES = new Set([
  "anthropic.messages",
  "openai.chat",
  "openai.responses",
  "openai.embeddings",
  "groq.chat",
  "cerebras.chat",
  "gemini.generateContent",
  "gemini.streamGenerateContent",
  "gemini.embedContent",
]);

const EMBEDDING_ROUTES = new Set(["openai.embeddings", "gemini.embedContent"]);

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
  if (EMBEDDING_ROUTES.has(route)) return 0;
  const body = (typeof json === "object" && json !== null ? json : {}) as Json;
  if (route.startsWith("gemini.")) {
    const config = (body.generationConfig ?? body.generation_config) as Json | undefined;
    const cap = positive(config?.maxOutputTokens ?? config?.max_output_tokens);
    return cap === undefined ? undefined : cap * (positive(config?.candidateCount) ?? 1);
  }
  const cap =
    positive(body.max_completion_tokens) ?? positive(body.max_tokens) ?? positive(body.max_output_tokens);
  return cap === undefined ? undefined : cap * (positive(body.n) ?? 1);
}

/** The output to reserve: the request's cap, or `fallback` (times `n`) when it sets none. */
export function maxOutputTokens(route: string, json: unknown, fallback: number): number {
  const cap = outputCap(route, json);
  if (cap !== undefined) return cap;
  const body = (typeof json === "object" && json !== null ? json : {}) as Json;
  const config = (body.generationConfig ?? body.generation_config) as Json | undefined;
  const n = route.startsWith("gemini.") ? positive(config?.candidateCount) : positive(body.n);
  return fallback * (n ?? 1);
}
