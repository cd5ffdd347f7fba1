/**
 * The soak's load: W workers, each with its own client key, each sending one request after another until
 * the deadline, cycling through Anthropic and OpenAI calls, streamed and not, in the official wire format.
 * Every answer is checked in full: a 200 must carry the fake upstream's exact reply (a stream must also end
 * with the provider's normal last event), a 429 must be the provider's error JSON; anything else is a failure.
 */
import { REPLY_SENTENCE } from "@sluice/fake-upstream";
import { classifyStream, errorShapeProblem, parseSse } from "./oracle.js";

export interface SoakCall {
  name: string;
  provider: "anthropic" | "openai";
  path: string;
  stream: boolean;
  body(marker: string): Record<string, unknown>;
  /** The reply text in the answer, from the JSON body or the concatenated SSE deltas. */
  text(raw: string): string;
}

const message = (marker: string) => [{ role: "user", content: `soak ${marker}: say hello` }];

export const SOAK_CALLS: SoakCall[] = [
  {
    name: "anthropic.messages",
    provider: "anthropic",
    path: "/anthropic/v1/messages",
    stream: false,
    body: (m) => ({ model: "claude-sonnet-4-6", max_tokens: 64, messages: message(m) }),
    text: (raw) => (JSON.parse(raw) as { content: { text: string }[] }).content.map((c) => c.text).join(""),
  },
  {
    name: "anthropic.messages stream",
    provider: "anthropic",
    path: "/anthropic/v1/messages",
    stream: true,
    body: (m) => ({ model: "claude-sonnet-4-6", max_tokens: 64, messages: message(m), stream: true }),
    text: (raw) =>
      parseSse(raw)
        .filter((e) => e.event === "content_block_delta")
        .map((e) => (JSON.parse(e.data) as { delta: { text?: string } }).delta.text ?? "")
        .join(""),
  },
  {
    name: "openai.chat",
    provider: "openai",
    path: "/openai/v1/chat/completions",
    stream: false,
    body: (m) => ({ model: "gpt-4o-mini", messages: message(m) }),
    text: (raw) =>
      (JSON.parse(raw) as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
  },
  {
    name: "openai.chat stream",
    provider: "openai",
    path: "/openai/v1/chat/completions",
    stream: true,
    body: (m) => ({
      model: "gpt-4o-mini",
      messages: message(m),
      stream: true,
      stream_options: { include_usage: true },
    }),
    text: (raw) =>
      parseSse(raw)
        .filter((e) => e.data !== "[DONE]")
        .map(
          (e) =>
            (JSON.parse(e.data) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta
              ?.content ?? "",
        )
        .join(""),
  },
];

/** Why an answer is wrong, or undefined when it is a correct 200 or a well-formed 429. */
function answerProblem(call: SoakCall, status: number, contentType: string, raw: string): string | undefined {
  if (status === 429) return errorShapeProblem(call.provider, raw);
  if (status !== 200) return `status ${status}: ${raw.slice(0, 160)}`;
  if (call.stream) {
    if (!contentType.startsWith("text/event-stream")) return `stream with content-type ${contentType}`;
    const end = classifyStream(call.provider, call.name, raw);
    if (end.kind !== "end")
      return `stream did not end normally: ${end.kind === "broken" ? end.reason : end.code}`;
  } else if (!contentType.startsWith("application/json"))
    return `JSON answer with content-type ${contentType}`;
  let text: string;
  try {
    text = call.text(raw);
  } catch (error) {
    return `unreadable answer (${(error as Error).message}): ${raw.slice(0, 160)}`;
  }
  return text === REPLY_SENTENCE ? undefined : `wrong reply text: ${JSON.stringify(text.slice(0, 120))}`;
}

export interface Answer {
  call: string;
  /** 0 when the request itself failed (connection error, timeout). */
  status: number;
  problem?: string;
  /** Milliseconds since the soak started, when the answer was complete. */
  atMs: number;
}

export interface SoakOptions {
  url: string;
  keys: string[];
  seconds: number;
  /** Per request: a hang fails it instead of the whole soak. */
  requestTimeoutMs?: number;
  /** Called after every answer (the memory sampler counts them). */
  onAnswer?: () => void;
}

const auth = (provider: string, key: string): Record<string, string> =>
  provider === "anthropic"
    ? { "x-api-key": key, "anthropic-version": "2023-06-01" }
    : { authorization: `Bearer ${key}` };

/** Runs the soak; returns every key's answers in the order it got them (one worker per key, sequential). */
export async function runSoak({ url, keys, seconds, requestTimeoutMs = 10_000, onAnswer }: SoakOptions) {
  const started = Date.now();
  const deadline = started + seconds * 1_000;
  const perKey = keys.map(() => [] as Answer[]);
  await Promise.all(
    keys.map(async (key, w) => {
      // Workers start at different calls so all four run at every moment.
      for (let i = w; Date.now() < deadline; i++) {
        const call = SOAK_CALLS[i % SOAK_CALLS.length]!;
        const answer: Answer = { call: call.name, status: 0, atMs: 0 };
        try {
          const response = await fetch(`${url}${call.path}`, {
            method: "POST",
            headers: { "content-type": "application/json", ...auth(call.provider, key) },
            body: JSON.stringify(call.body(`w${w}-r${i}`)),
            signal: AbortSignal.timeout(requestTimeoutMs),
          });
          const raw = await response.text();
          answer.status = response.status;
          answer.problem = answerProblem(
            call,
            response.status,
            response.headers.get("content-type") ?? "",
            raw,
          );
        } catch (error) {
          answer.problem = `request failed: ${(error as Error).message}`;
        }
        answer.atMs = Date.now() - started;
        perKey[w]!.push(answer);
        onAnswer?.();
      }
    }),
  );
  return { perKey, elapsedMs: Date.now() - started };
}

/** A key's limiter problem: it must see exactly min(limit, sent) 200s, and they must be its first answers. */
export function limiterProblem(answers: Answer[], limit: number): string | undefined {
  const ok = answers.filter((a) => a.status === 200).length;
  const expected = Math.min(limit, answers.length);
  if (ok !== expected) return `${ok} × 200 of ${answers.length} sent, expected ${expected}`;
  const late = answers.findIndex((a, i) => (i < expected ? a.status !== 200 : a.status === 200));
  return late === -1 ? undefined : `answer #${late + 1} is ${answers[late]!.status}`;
}

/**
 * The baseline: the same workers on `GET /healthz`, which Sluice answers before any middleware, so what the
 * runtime's memory does here is `wrangler dev`'s own per-request cost, not the gateway's.
 */
export async function runBaseline(url: string, workers: number, seconds: number, onAnswer: () => void) {
  const deadline = Date.now() + seconds * 1_000;
  const problems: string[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < deadline) {
        try {
          const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
          const text = await response.text();
          if (response.status !== 200 || text !== '{"status":"ok"}')
            problems.push(`${response.status} ${text.slice(0, 80)}`);
        } catch (error) {
          problems.push(`request failed: ${(error as Error).message}`);
        }
        onAnswer();
      }
    }),
  );
  return problems;
}
