/**
 * Streams that would end without usage. An OpenAI-compatible chat stream reports its usage only when the
 * request says `stream_options.include_usage: true`; without it a budget would learn nothing. For keys with
 * a budget, Sluice sets that one field in the upstream body (appended as the last member, or merged into
 * the client's own `stream_options`; every other byte unchanged) and takes the usage-only chunk it adds
 * (`choices: []` with `usage`) out of what the client receives. Other chunks then carry `"usage": null`,
 * exactly as when a client asks. The provider's prompt cache keys on the prompt (messages, tools), which
 * this does not touch.
 */
import { routesWith } from "../providers/index.js";
import { setTopLevelValue } from "../util/json-splice.js";

/** Routes whose streams report usage only when asked (`usageOptIn` endpoints). */
const CHAT_STREAM_ROUTES = new Set(routesWith("usageOptIn"));
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The body asking for usage, with its parsed copy, when this streamed chat call does not ask already;
 * undefined when it does, or is not such a call.
 */
export function askForUsage(
  route: string,
  stream: boolean,
  json: unknown,
  body: Uint8Array | undefined,
): { body: Uint8Array; json: Json } | undefined {
  if (!stream || !body || !CHAT_STREAM_ROUTES.has(route) || !isObject(json)) return undefined;
  const options = json.stream_options;
  if (isObject(options) && options.include_usage === true) return undefined;
  const merged = { ...(isObject(options) ? options : {}), include_usage: true };
  const text = setTopLevelValue(new TextDecoder().decode(body), "stream_options", JSON.stringify(merged));
  if (text === undefined) return undefined;
  return { body: new TextEncoder().encode(text), json: { ...json, stream_options: merged } };
}

/**
 * Passes an SSE body on event by event, byte for byte, except the usage-only chunk the client did not ask
 * for. Holds back at most one incomplete event.
 */
export function hideUsageChunk(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const flushEvents = (controller: TransformStreamDefaultController<Uint8Array>, final: boolean) => {
    let out = "";
    for (;;) {
      const end = eventEnd(pending);
      if (end < 0) break;
      const event = pending.slice(0, end);
      pending = pending.slice(end);
      if (!isUsageOnly(event)) out += event;
    }
    if (final) {
      if (!isUsageOnly(pending)) out += pending;
      pending = "";
    }
    if (out) controller.enqueue(encoder.encode(out));
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      flushEvents(controller, false);
    },
    flush(controller) {
      pending += decoder.decode();
      flushEvents(controller, true);
    },
  });
}

/** Index just past the first complete event (its blank line included), or -1. */
function eventEnd(text: string): number {
  const match = /\r\n\r\n|\n\n|\r\r/.exec(text);
  return match ? match.index + match[0].length : -1;
}

function isUsageOnly(event: string): boolean {
  if (!event.includes('"usage"')) return false;
  const data = event
    .split(/\r\n|\n|\r/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(line.charCodeAt(5) === 32 ? 6 : 5))
    .join("\n");
  try {
    const value = JSON.parse(data) as Json;
    return Array.isArray(value.choices) && value.choices.length === 0 && isObject(value.usage);
  } catch {
    return false;
  }
}
