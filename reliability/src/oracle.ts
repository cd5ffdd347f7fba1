/**
 * What "well-formed" means for each provider: its error JSON shape, and how its SSE streams end. The checks
 * return a reason string (or undefined when fine) so a failing case says exactly what was wrong.
 */

/** The provider whose error shape a path's errors must use ("" for unknown prefixes: OpenAI's shape). */
export function providerOfPath(path: string): string {
  const first = path.split("/")[1] ?? "";
  return ["anthropic", "openai", "gemini", "groq", "cerebras"].includes(first) ? first : "";
}

const isString = (v: unknown) => typeof v === "string" && v.length > 0;

/** Checks an error body against the provider's documented error shape. */
export function errorShapeProblem(provider: string, text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `error body is not JSON: ${JSON.stringify(text.slice(0, 120))}`;
  }
  const b = body as { type?: unknown; error?: Record<string, unknown> };
  const e = b?.error;
  // Cerebras' own errors are top-level {message,type,param,code}; Sluice's are OpenAI's {error:{…}}.
  if (provider === "cerebras" && !e && isString((body as { message?: unknown }).message)) return undefined;
  if (!e || typeof e !== "object") return `no "error" object: ${text.slice(0, 120)}`;
  if (provider === "anthropic") {
    if (b.type !== "error" || !isString(e.type) || !isString(e.message))
      return `not Anthropic's {type:"error",error:{type,message}}: ${text.slice(0, 160)}`;
  } else if (provider === "gemini") {
    if (typeof e.code !== "number" || !isString(e.message) || !isString(e.status))
      return `not Gemini's {error:{code,message,status}}: ${text.slice(0, 160)}`;
  } else if (!isString(e.message) || !("type" in e)) {
    return `not OpenAI's {error:{message,type,…}}: ${text.slice(0, 160)}`;
  }
  return undefined;
}

export interface SseEvent {
  event?: string;
  data: string;
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.replace(/\r\n/g, "\n").split("\n\n")) {
    if (!block.trim()) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    events.push({ event, data: data.join("\n") });
  }
  return events;
}

/** How a stream ended: "end" (the provider's normal last event), "error" (a clean error event), or a problem. */
export type StreamEnd =
  | { kind: "end" }
  | { kind: "error"; code?: string }
  | { kind: "broken"; reason: string };

export function classifyStream(provider: string, route: string, raw: string): StreamEnd {
  const text = raw.replace(/\r\n/g, "\n");
  if (!text.endsWith("\n\n")) return { kind: "broken", reason: "stream does not end on an event boundary" };
  const events = parseSse(text);
  const last = events.at(-1);
  if (!last) return { kind: "broken", reason: "empty stream" };
  for (const e of events) {
    if (e.data === "[DONE]") continue;
    try {
      JSON.parse(e.data);
    } catch {
      return { kind: "broken", reason: `event data is not JSON: ${e.data.slice(0, 80)}` };
    }
  }
  if (last.data === "[DONE]") return { kind: "end" };
  const data = JSON.parse(last.data) as Record<string, unknown> & {
    error?: { code?: unknown };
    candidates?: { finishReason?: string }[];
  };
  if (last.event === "error" || (data.error && typeof data.error === "object")) {
    const code = typeof data.code === "string" ? data.code : data.error?.code;
    return { kind: "error", code: typeof code === "string" ? code : undefined };
  }
  if (provider === "anthropic" && last.event === "message_stop") return { kind: "end" };
  if (route.startsWith("openai.responses") && last.event === "response.completed") return { kind: "end" };
  if (provider === "gemini" && data.candidates?.some((c) => c.finishReason)) return { kind: "end" };
  return {
    kind: "broken",
    reason: `last event is neither the end nor an error: ${last.event ?? ""} ${last.data.slice(0, 80)}`,
  };
}

/** Rejects after `ms`, so no case can hang the suite. */
export function deadline<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} exceeded its ${ms} ms deadline`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
