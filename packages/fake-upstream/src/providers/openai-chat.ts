// Chat Completions in the three dialects this fake serves: OpenAI itself, Groq and Cerebras. They
// share the request shape but differ in field order, extra fields (x_groq, time_info) and where
// the usage goes, which is exactly what a gateway's parser has to cope with.
// Sources:
//   https://platform.openai.com/docs/api-reference/chat/object           (chat.completion)
//   https://platform.openai.com/docs/api-reference/chat-streaming         (chat.completion.chunk, [DONE],
//     stream_options.include_usage: extra chunk with empty choices; other chunks carry "usage": null)
//   https://console.groq.com/docs/openai                                  (Groq compatibility, x_groq)
//   https://inference-docs.cerebras.ai/api-reference/chat-completions     (usage + time_info)
//   Recorded real traffic: github.com/charmbracelet/fantasy providertests/testdata/TestOpenAICommon,
//   TestOpenAICompatibleCommon/groq-kimi-k2 (pretty vs compact bodies, obfuscation, x_groq.usage).
import { type Usage, replyText } from "../content.js";
import { ids } from "../ids.js";
import { COMPACT, PRETTY, dump, float } from "../json.js";
import type { OutHeaders, Reply, RequestContext, StreamSpec } from "./types.js";
import { modelOf, streamRequested } from "./types.js";

export interface ChatDialect {
  /** Content type of streamed replies (Groq omits the charset). */
  sseContentType: string;
  headers(ctx: RequestContext, contentType: string): OutHeaders;
  completion(ctx: RequestContext, model: string, text: string, u: Usage): string;
  stream(ctx: RequestContext, model: string, includeUsage: boolean): StreamSpec;
}

const sse = (data: string): string => `data: ${data}\n\n`;
const DONE = "data: [DONE]\n\n";

function includeUsage(ctx: RequestContext): boolean {
  const opts = ctx.json?.["stream_options"];
  return (
    typeof opts === "object" && opts !== null && (opts as Record<string, unknown>)["include_usage"] === true
  );
}

export function chatCompletions(ctx: RequestContext, dialect: ChatDialect): Reply {
  const model = modelOf(ctx);
  if (!streamRequested(ctx)) {
    const body = dialect.completion(ctx, model, replyText(ctx.events), ctx.usageFor(ctx.events));
    return { kind: "json", status: 200, headers: dialect.headers(ctx, "application/json"), body };
  }
  return {
    kind: "stream",
    status: 200,
    headers: dialect.headers(ctx, dialect.sseContentType),
    stream: dialect.stream(ctx, model, includeUsage(ctx)),
  };
}

// ---- OpenAI ---------------------------------------------------------------------------------

function openaiUsage(u: Usage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export const openaiDialect = (headers: ChatDialect["headers"]): ChatDialect => ({
  sseContentType: "text/event-stream; charset=utf-8",
  headers,
  completion: (ctx, model, text, u) =>
    `${dump(
      {
        id: ids.openaiChat(ctx.seq),
        object: "chat.completion",
        created: ctx.created,
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: openaiUsage(u),
        service_tier: "default",
        system_fingerprint: ids.fingerprint(model),
      },
      PRETTY,
    )}\n`,
  stream(ctx, model, withUsage) {
    const base = {
      id: ids.openaiChat(ctx.seq),
      object: "chat.completion.chunk",
      created: ctx.created,
      model,
      service_tier: "default",
      system_fingerprint: ids.fingerprint(model),
    };
    let n = 0;
    // `obfuscation` is random-length padding the API adds to every chunk (include_obfuscation).
    const chunk = (choices: unknown[], usage?: unknown) =>
      sse(
        dump({
          ...base,
          choices,
          usage: withUsage ? (usage ?? null) : undefined,
          obfuscation: ids.obfuscation(`${ctx.seq}:${n++}`),
        }),
      );
    const choice = (delta: unknown, finish: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    return {
      *preamble() {
        yield chunk([choice({ role: "assistant", content: "", refusal: null })]);
      },
      delta: (text) => chunk([choice({ content: text })]),
      *epilogue(count) {
        yield chunk([choice({}, "stop")]);
        if (withUsage) yield chunk([], openaiUsage(ctx.usageFor(count)));
        yield DONE;
      },
      error: () =>
        sse(
          dump({
            error: {
              message: "The server is overloaded or not ready yet.",
              type: "server_error",
              param: null,
              code: null,
            },
          }),
        ),
    };
  },
});

// ---- Groq -----------------------------------------------------------------------------------

function groqUsage(u: Usage) {
  return {
    queue_time: float(0.012345678),
    prompt_tokens: u.input,
    prompt_time: float(0.010962163),
    completion_tokens: u.output,
    completion_time: float(0.009096914),
    total_tokens: u.input + u.output,
    total_time: float(0.020059077),
    prompt_tokens_details: u.cacheRead ? { cached_tokens: u.cacheRead } : undefined,
  };
}

export const groqDialect = (headers: ChatDialect["headers"]): ChatDialect => ({
  sseContentType: "text/event-stream",
  headers,
  completion: (ctx, model, text, u) =>
    `${dump({
      id: `chatcmpl-${ids.uuid(`groq${ctx.seq}`)}`,
      object: "chat.completion",
      created: ctx.created,
      model,
      choices: [
        { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: "stop" },
      ],
      usage: groqUsage(u),
      usage_breakdown: null,
      system_fingerprint: ids.fingerprint(model),
      x_groq: { id: ids.groqRequest(ctx.seq), seed: 1322261444 },
      service_tier: "on_demand",
    })}\n`,
  stream(ctx, model, withUsage) {
    const base = {
      id: `chatcmpl-${ids.uuid(`groq${ctx.seq}`)}`,
      object: "chat.completion.chunk",
      created: ctx.created,
      model,
      system_fingerprint: ids.fingerprint(model),
    };
    const choice = (delta: unknown, finish: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    const xGroqId = ids.groqRequest(ctx.seq);
    return {
      *preamble() {
        yield sse(
          dump({
            ...base,
            choices: [choice({ role: "assistant", content: "" })],
            x_groq: { id: xGroqId, seed: 2139001717 },
          }),
        );
      },
      delta: (text) => sse(dump({ ...base, choices: [choice({ content: text })] })),
      *epilogue(count) {
        const usage = groqUsage(ctx.usageFor(count));
        // Groq reports usage in x_groq.usage (and a top-level copy) on the finishing chunk.
        yield sse(dump({ ...base, choices: [choice({}, "stop")], x_groq: { id: xGroqId, usage }, usage }));
        if (withUsage) yield sse(dump({ ...base, choices: [], usage, service_tier: "on_demand" }));
        yield DONE;
      },
      error: () => sse(dump({ error: { message: "Service Unavailable", type: "internal_server_error" } })),
    };
  },
});

// ---- Cerebras -------------------------------------------------------------------------------

function cerebrasUsage(u: Usage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead },
  };
}

const timeInfo = (created: number) => ({
  queue_time: float(0.00026521),
  prompt_time: float(0.016441817),
  completion_time: float(0.153297462),
  total_time: float(0.1720595359802246),
  created,
});

export const cerebrasDialect = (headers: ChatDialect["headers"]): ChatDialect => ({
  sseContentType: "text/event-stream",
  headers,
  completion: (ctx, model, text, u) =>
    dump(
      {
        id: `chatcmpl-${ids.uuid(`cerebras${ctx.seq}`)}`,
        choices: [{ finish_reason: "stop", index: 0, message: { content: text, role: "assistant" } }],
        created: ctx.created,
        model,
        system_fingerprint: ids.fingerprint(model),
        object: "chat.completion",
        usage: cerebrasUsage(u),
        time_info: timeInfo(ctx.created),
      },
      COMPACT,
    ),
  stream(ctx, model) {
    const id = `chatcmpl-${ids.uuid(`cerebras${ctx.seq}`)}`;
    const tail = { created: ctx.created, model, system_fingerprint: ids.fingerprint(model) };
    const chunk = (choice: unknown, extra: object = {}) =>
      sse(dump({ id, choices: [choice], ...tail, object: "chat.completion.chunk", ...extra }));
    return {
      *preamble() {
        yield chunk({ delta: { role: "assistant" }, index: 0 });
      },
      delta: (text) => chunk({ delta: { content: text }, index: 0 }),
      *epilogue(count) {
        // Cerebras always puts usage and time_info on the finishing chunk.
        yield chunk(
          { delta: {}, finish_reason: "stop", index: 0 },
          { usage: cerebrasUsage(ctx.usageFor(count)), time_info: timeInfo(ctx.created) },
        );
        yield DONE;
      },
      error: () =>
        sse(
          dump({
            error: {
              message: "We're experiencing high traffic right now! Please try again soon.",
              type: "too_many_requests_error",
              param: "queue",
              code: "queue_exceeded",
            },
          }),
        ),
    };
  },
});
