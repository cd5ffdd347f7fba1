// OpenAI Responses API (`POST /v1/responses`), plain and streamed.
// Sources:
//   https://platform.openai.com/docs/api-reference/responses/object
//   https://platform.openai.com/docs/api-reference/responses-streaming  (event names, sequence_number,
//     `error` event {type, code, message, param, sequence_number}; no [DONE] terminator)
//   Recorded real traffic: github.com/charmbracelet/fantasy providertests/testdata/
//   TestOpenAIResponsesCommon/openai-gpt-4o-mini (field order, pretty + ASCII-escaped plain body
//   without trailing newline, compact `event:`/`data:` frames).
import { type Usage, replyText } from "../content.js";
import { ids } from "../ids.js";
import { COMPACT, PRETTY_ASCII, dump, float, quote } from "../json.js";
import type { OutHeaders, Reply, RequestContext, StreamSpec } from "./types.js";
import { modelOf, streamRequested } from "./types.js";

/** Stands in for the reply text while serializing, so huge texts can be streamed piecewise. */
const TEXT_MARK = "\u0000fake-upstream-text\u0000";

function responsesUsage(u: Usage) {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.input + u.output,
  };
}

function responseObject(
  ctx: RequestContext,
  status: "in_progress" | "completed",
  output: unknown[],
  usage: Usage | null,
  plain: boolean,
) {
  const j = ctx.json ?? {};
  const maxOut = typeof j["max_output_tokens"] === "number" ? j["max_output_tokens"] : null;
  const done = status === "completed";
  return {
    id: ids.openaiResponse(ctx.seq),
    object: "response",
    created_at: ctx.created,
    status,
    background: false,
    billing: plain ? { payer: "developer" } : undefined,
    completed_at: done ? ctx.created + 1 : null,
    error: null,
    frequency_penalty: float(0),
    incomplete_details: null,
    instructions: typeof j["instructions"] === "string" ? j["instructions"] : null,
    max_output_tokens: maxOut,
    max_tool_calls: null,
    model: modelOf(ctx),
    moderation: null,
    output,
    parallel_tool_calls: true,
    presence_penalty: float(0),
    previous_response_id: null,
    prompt_cache_key: null,
    prompt_cache_retention: "in_memory",
    reasoning: { context: null, effort: null, summary: null },
    safety_identifier: null,
    service_tier: done ? "default" : "auto",
    store: j["store"] !== false,
    temperature: float(1),
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_logprobs: 0,
    top_p: float(1),
    truncation: "disabled",
    usage: usage ? responsesUsage(usage) : null,
    user: null,
    metadata: {},
  };
}

const outputText = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });

const message = (ctx: RequestContext, status: string, content: unknown[]) => ({
  id: ids.openaiMessage(ctx.seq),
  type: "message",
  status,
  content,
  role: "assistant",
});

/** Yields `prefix` + the JSON-escaped texts + `suffix`, never holding the whole text in memory. */
function* spliceText(serialized: string, texts: () => Iterable<string>): Generator<string> {
  const mark = quote(TEXT_MARK).slice(1, -1);
  const at = serialized.indexOf(mark);
  yield serialized.slice(0, at);
  for (const t of texts()) yield quote(t).slice(1, -1);
  yield serialized.slice(at + mark.length);
}

export function responses(ctx: RequestContext, headers: (contentType: string) => OutHeaders): Reply {
  if (!streamRequested(ctx)) {
    const u = ctx.usageFor(ctx.events);
    const out = [message(ctx, "completed", [outputText(replyText(ctx.events))])];
    const body = dump(responseObject(ctx, "completed", out, u, true), PRETTY_ASCII);
    return { kind: "json", status: 200, headers: headers("application/json"), body };
  }
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${dump({ type, ...data, sequence_number: seq++ }, COMPACT)}\n\n`;
  const itemId = ids.openaiMessage(ctx.seq);
  const stream: StreamSpec = {
    *preamble() {
      yield ev("response.created", { response: responseObject(ctx, "in_progress", [], null, false) });
      yield ev("response.in_progress", { response: responseObject(ctx, "in_progress", [], null, false) });
      yield ev("response.output_item.added", { item: message(ctx, "in_progress", []), output_index: 0 });
      yield ev("response.content_part.added", {
        content_index: 0,
        item_id: itemId,
        output_index: 0,
        part: outputText(""),
      });
    },
    delta: (text) =>
      ev("response.output_text.delta", {
        content_index: 0,
        delta: text,
        item_id: itemId,
        logprobs: [],
        obfuscation: ids.obfuscation(`${ctx.seq}:${seq}`),
        output_index: 0,
      }),
    *epilogue(count, texts) {
      const item = message(ctx, "completed", [outputText(TEXT_MARK)]);
      yield* spliceText(
        ev("response.output_text.done", {
          content_index: 0,
          item_id: itemId,
          logprobs: [],
          output_index: 0,
          text: TEXT_MARK,
        }),
        texts,
      );
      yield* spliceText(
        ev("response.content_part.done", {
          content_index: 0,
          item_id: itemId,
          output_index: 0,
          part: outputText(TEXT_MARK),
        }),
        texts,
      );
      yield* spliceText(ev("response.output_item.done", { item, output_index: 0 }), texts);
      yield* spliceText(
        ev("response.completed", {
          response: responseObject(ctx, "completed", [item], ctx.usageFor(count), false),
        }),
        texts,
      );
    },
    error: () =>
      ev("error", {
        code: "server_is_overloaded",
        message: "Our servers are currently overloaded. Please try again later.",
        param: null,
      }),
  };
  return { kind: "stream", status: 200, headers: headers("text/event-stream; charset=utf-8"), stream };
}
