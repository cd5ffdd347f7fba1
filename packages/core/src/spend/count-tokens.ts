/**
 * The provider's own input-token count, asked near the budget cap: Anthropic `POST /v1/messages/count_tokens`
 * (https://docs.claude.com/en/api/messages-count-tokens), Gemini `:countTokens`
 * (https://ai.google.dev/api/tokens). OpenAI-compatible providers have no counting endpoint: the estimate
 * stands. Sent through `ctx.fetchUpstream`, so it takes a fan-out slot like any upstream request.
 */
import type { GatewayContext } from "../context.js";
import { upstreamRequestHeaders } from "../upstream/headers.js";

/**
 * Fields `count_tokens` accepts. Everything else the Messages API takes (`max_tokens`, `stream`,
 * `temperature`, `metadata`, `stop_sequences`, `service_tier`, …) is rejected with a 400 there.
 */
const ANTHROPIC_COUNT_FIELDS = [
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "thinking",
  "cache_control",
  "output_config",
  "output_format",
  "context_management",
  "mcp_servers",
  "speed",
];

const COUNT_TIMEOUT_MS = 10_000;

export function canCountTokens(route: string): boolean {
  return (
    route === "anthropic.messages" ||
    route === "gemini.generateContent" ||
    route === "gemini.streamGenerateContent"
  );
}

/** The counted input tokens, or undefined when the provider cannot count or the count failed. */
export async function countInputTokens(ctx: GatewayContext): Promise<number | undefined> {
  const json = ctx.json as Record<string, unknown> | undefined;
  if (!json || !ctx.providerKey || !canCountTokens(ctx.route)) return undefined;
  const base = (ctx.options.providers[ctx.provider.name]?.baseUrl ?? ctx.provider.defaultBaseUrl).replace(
    /\/$/,
    "",
  );
  let url: URL;
  let body: Record<string, unknown>;
  if (ctx.provider.name === "anthropic") {
    url = new URL(`${base}/v1/messages/count_tokens`);
    body = {};
    for (const field of ANTHROPIC_COUNT_FIELDS) if (json[field] !== undefined) body[field] = json[field];
    body.model = ctx.model;
  } else {
    url = new URL(base + ctx.upstreamPath.replace(/:(stream)?generateContent$/i, ":countTokens"));
    // `generateContentRequest` counts the system instruction and tools too, not only `contents`.
    body = { generateContentRequest: { ...json, model: `models/${ctx.model}` } };
  }
  const headers = upstreamRequestHeaders(ctx.request.headers, ctx.provider);
  headers.set("content-type", "application/json");
  ctx.provider.applyUpstreamAuth(headers, url, ctx.providerKey);
  const control = new AbortController();
  const timer = setTimeout(() => control.abort(), COUNT_TIMEOUT_MS);
  try {
    const response = await ctx.fetchUpstream(url.toString(), {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: control.signal,
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
    const answer = (await response.json()) as { input_tokens?: unknown; totalTokens?: unknown };
    const count = answer.input_tokens ?? answer.totalTokens;
    return typeof count === "number" && Number.isFinite(count) && count >= 0 ? count : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
