/**
 * Workers AI behind the OpenAI route: `POST /openai/v1/chat/completions` with a model id starting with `@cf/`
 * is answered by the `AI` binding, translated to OpenAI's chat.completion / chat.completion.chunk shapes.
 * It is core's upstream `fetch` hook, so auth, rate limits, the cache and metrics apply as for any call.
 */
import type { SecretsPort, UpstreamFetch } from "@sluice/core";
import { isObject, SseLines } from "./body.js";

/** The slice of the `Ai` binding this uses (a stand-in with this shape works in tests). */
export interface AiBindingLike {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

/** Sent as the OpenAI key when only Workers AI is configured; real OpenAI refuses it (→ 502 upstream_auth). */
export const WORKERS_AI_PLACEHOLDER_KEY = "sluice-workers-ai-no-openai-key";

const encoder = new TextEncoder();

/**
 * @example
 * createGateway({ ..., upstream: { fetch: workersAiFetch(env.AI) }, secrets: withOpenAiPlaceholder(envSecrets(env)) });
 */
export function workersAiFetch(
  ai: AiBindingLike,
  fallback: UpstreamFetch = (url, init) => fetch(url, init),
): UpstreamFetch {
  return async (url, init, provider) => {
    if (provider !== "openai" || !new URL(url).pathname.endsWith("/chat/completions"))
      return fallback(url, init, provider);
    const request = parse(init.body);
    if (!request || typeof request.model !== "string" || !request.model.startsWith("@cf/"))
      return fallback(url, init, provider);
    const model = request.model;
    const stream = request.stream === true;
    const inputs: Record<string, unknown> = { messages: toAiMessages(request.messages), stream };
    const maxTokens = request.max_completion_tokens ?? request.max_tokens;
    if (typeof maxTokens === "number") inputs.max_tokens = maxTokens;
    for (const name of ["temperature", "top_p", "seed", "frequency_penalty", "presence_penalty"])
      if (typeof request[name] === "number") inputs[name] = request[name];
    let output: unknown;
    try {
      output = await ai.run(model, inputs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return Response.json(
        { error: { message: `Workers AI: ${message}`, type: "upstream_error", code: null } },
        { status: 502 },
      );
    }
    const id = `chatcmpl-${crypto.randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    if (stream && output instanceof ReadableStream) {
      const includeUsage = isObject(request.stream_options) && request.stream_options.include_usage === true;
      return new Response(toChunks(output, { id, created, model, includeUsage }), {
        headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
      });
    }
    return Response.json(toCompletion(isObject(output) ? output : {}, { id, created, model }));
  };
}

/** Lets core's auth find an OpenAI key when only Workers AI serves the OpenAI route. */
export function withOpenAiPlaceholder(secrets: SecretsPort): SecretsPort {
  return {
    async get(name) {
      const value = await secrets.get(name);
      return value || name !== "OPENAI_API_KEY" ? value : WORKERS_AI_PLACEHOLDER_KEY;
    },
  };
}

function parse(body: unknown): Record<string, unknown> | undefined {
  if (!(body instanceof Uint8Array) && typeof body !== "string") return undefined;
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  if (!text.includes('"@cf/')) return undefined;
  try {
    const value = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Workers AI takes `{role, content: string}`: text parts are joined, other parts cannot be sent. */
function toAiMessages(messages: unknown): { role: string; content: string }[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isObject).map((m) => ({
    role: m.role === "developer" ? "system" : String(m.role ?? "user"),
    content:
      typeof m.content === "string"
        ? m.content
        : Array.isArray(m.content)
          ? m.content
              .filter((p) => isObject(p) && p.type === "text")
              .map((p) => String((p as { text?: unknown }).text ?? ""))
              .join("\n")
          : "",
  }));
}

interface Meta {
  id: string;
  created: number;
  model: string;
}

function usageOf(value: unknown) {
  if (!isObject(value)) return undefined;
  const prompt = Number(value.prompt_tokens ?? 0);
  const completion = Number(value.completion_tokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: Number(value.total_tokens ?? prompt + completion),
  };
}

function toCompletion(output: Record<string, unknown>, meta: Meta) {
  const calls = Array.isArray(output.tool_calls) ? output.tool_calls.filter(isObject) : [];
  const toolCalls = calls.map((call, i) => ({
    id: typeof call.id === "string" ? call.id : `call_${i}`,
    type: "function",
    function: isObject(call.function)
      ? call.function
      : { name: String(call.name ?? ""), arguments: JSON.stringify(call.arguments ?? {}) },
  }));
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: typeof output.response === "string" ? output.response : null,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop",
      },
    ],
    usage: usageOf(output.usage) ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

/**
 * Workers AI streams `data: {"response":"…"}` events (the last ones may carry `usage`), then
 * `data: [DONE]`. Each becomes a chat.completion.chunk; a role chunk opens, a finish chunk closes, and a
 * usage chunk (empty `choices`) follows when the client asked with `stream_options.include_usage`.
 */
function toChunks(
  source: ReadableStream<Uint8Array>,
  meta: Meta & { includeUsage: boolean },
): ReadableStream<Uint8Array> {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    encoder.encode(
      `data: ${JSON.stringify({ id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices, ...extra })}\n\n`,
    );
  const delta = (d: Record<string, unknown>, finish: string | null = null) => ({
    index: 0,
    delta: d,
    logprobs: null,
    finish_reason: finish,
  });
  let usage: ReturnType<typeof usageOf>;
  let pending: Uint8Array[] = [];
  const lines = new SseLines((data) => {
    if (data.trim() === "[DONE]") return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (!isObject(event)) return;
    usage = usageOf(event.usage) ?? usage;
    if (typeof event.response === "string" && event.response !== "")
      pending.push(chunk([delta({ content: event.response })]));
  });
  const reader = source.getReader();
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(chunk([delta({ role: "assistant", content: "" })]));
          return;
        }
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            lines.end();
            for (const out of pending) controller.enqueue(out);
            controller.enqueue(chunk([delta({}, "stop")]));
            if (meta.includeUsage)
              controller.enqueue(
                chunk([], { usage: usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }),
              );
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
            return;
          }
          lines.push(value);
          if (pending.length > 0) {
            for (const out of pending) controller.enqueue(out);
            pending = [];
            return;
          }
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
