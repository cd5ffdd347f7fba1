/**
 * Request translation between Anthropic Messages and OpenAI Chat Completions, for cross-provider
 * fallbacks only. It re-serializes the body (so it breaks byte identity and prompt caching for that call)
 * and covers text conversations: system prompt, user/assistant turns, text blocks, sampling and stop
 * settings. Anything else (tools, images, documents, thinking) is refused, so the fallback is skipped
 * rather than sent a different question.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export class Untranslatable extends Error {
  override name = "Untranslatable";
}

/** Joins text content (a string or an array of text blocks); refuses any other block. */
function textOf(content: unknown, where: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new Untranslatable(`${where} has no text content`);
  return content
    .map((block) => {
      if (
        isObject(block) &&
        (block.type === "text" || block.type === "input_text") &&
        typeof block.text === "string"
      )
        return block.text;
      throw new Untranslatable(
        `${where} holds a ${isObject(block) ? String(block.type) : typeof block} block`,
      );
    })
    .join("");
}

const ANTHROPIC_ONLY = ["tools", "tool_choice", "thinking", "mcp_servers", "container"];
const OPENAI_ONLY = [
  "tools",
  "tool_choice",
  "functions",
  "response_format",
  "n",
  "logprobs",
  "audio",
  "modalities",
];

export function anthropicToOpenAiRequest(body: Json, model: string): Json {
  for (const field of ANTHROPIC_ONLY)
    if (field in body) throw new Untranslatable(`"${field}" has no OpenAI equivalent here`);
  const messages: Json[] = [];
  if (body.system !== undefined) messages.push({ role: "system", content: textOf(body.system, "system") });
  for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
    if (!isObject(m) || (m.role !== "user" && m.role !== "assistant"))
      throw new Untranslatable(`message ${i} has an unknown role`);
    messages.push({ role: m.role, content: textOf(m.content, `message ${i}`) });
  }
  const out: Json = { model, messages };
  if (typeof body.max_tokens === "number") out.max_completion_tokens = body.max_tokens;
  if (typeof body.temperature === "number") out.temperature = body.temperature;
  if (typeof body.top_p === "number") out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences)) out.stop = body.stop_sequences;
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

export function openAiToAnthropicRequest(body: Json, model: string, defaultMaxTokens = 4096): Json {
  for (const field of OPENAI_ONLY)
    if (field in body) throw new Untranslatable(`"${field}" has no Anthropic equivalent here`);
  const system: string[] = [];
  const messages: Json[] = [];
  for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
    if (!isObject(m)) throw new Untranslatable(`message ${i} is not an object`);
    const text = textOf(m.content, `message ${i}`);
    if (m.role === "system" || m.role === "developer") system.push(text);
    else if (m.role === "user" || m.role === "assistant") messages.push({ role: m.role, content: text });
    else throw new Untranslatable(`message ${i} has role ${String(m.role)}`);
  }
  const out: Json = {
    model,
    max_tokens: numberField(body, ["max_completion_tokens", "max_tokens"]) ?? defaultMaxTokens,
    messages,
  };
  if (system.length > 0) out.system = system.join("\n\n");
  if (typeof body.temperature === "number") out.temperature = Math.min(1, body.temperature);
  if (typeof body.top_p === "number") out.top_p = body.top_p;
  if (typeof body.stop === "string") out.stop_sequences = [body.stop];
  else if (Array.isArray(body.stop)) out.stop_sequences = body.stop;
  if (body.stream === true) out.stream = true;
  return out;
}

function numberField(body: Json, names: string[]): number | undefined {
  for (const name of names) if (typeof body[name] === "number") return body[name] as number;
  return undefined;
}
