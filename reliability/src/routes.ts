/** Every policy (JSON) route of every provider, streamed and not where the route allows both. */
import type { ProviderName } from "@sluice/core";

export interface RouteCase {
  /** e.g. "openai.chat stream". */
  name: string;
  provider: ProviderName;
  /** Path and query; `{model}` is replaced by the case's model. */
  path: string;
  stream: boolean;
  /** Whether the streamed answer is SSE (Gemini without `alt=sse` streams a JSON array). */
  sse: boolean;
  body(model: string): Record<string, unknown>;
  /** Where the model goes: the body, or the URL (Gemini). */
  modelInPath: boolean;
}

const chat = (stream: boolean) => (model: string) => ({
  model,
  messages: [{ role: "user", content: "hello" }],
  ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
});
const gemini = () => ({ contents: [{ role: "user", parts: [{ text: "hello" }] }] });

export const ROUTES: RouteCase[] = [
  ...[false, true].flatMap((stream): RouteCase[] => [
    {
      name: `anthropic.messages${stream ? " stream" : ""}`,
      provider: "anthropic",
      path: "/anthropic/v1/messages",
      stream,
      sse: stream,
      modelInPath: false,
      body: (model) => ({
        model,
        max_tokens: 64,
        messages: [{ role: "user", content: "hello" }],
        ...(stream ? { stream: true } : {}),
      }),
    },
    {
      name: `openai.chat${stream ? " stream" : ""}`,
      provider: "openai",
      path: "/openai/v1/chat/completions",
      stream,
      sse: stream,
      modelInPath: false,
      body: chat(stream),
    },
    {
      name: `openai.responses${stream ? " stream" : ""}`,
      provider: "openai",
      path: "/openai/v1/responses",
      stream,
      sse: stream,
      modelInPath: false,
      body: (model) => ({ model, input: "hello", ...(stream ? { stream: true } : {}) }),
    },
    {
      name: `groq.chat${stream ? " stream" : ""}`,
      provider: "groq",
      path: "/groq/openai/v1/chat/completions",
      stream,
      sse: stream,
      modelInPath: false,
      body: chat(stream),
    },
    {
      name: `cerebras.chat${stream ? " stream" : ""}`,
      provider: "cerebras",
      path: "/cerebras/v1/chat/completions",
      stream,
      sse: stream,
      modelInPath: false,
      body: chat(stream),
    },
  ]),
  {
    name: "openai.embeddings",
    provider: "openai",
    path: "/openai/v1/embeddings",
    stream: false,
    sse: false,
    modelInPath: false,
    body: (model) => ({ model, input: "hello" }),
  },
  {
    name: "gemini.generateContent",
    provider: "gemini",
    path: "/gemini/v1beta/models/{model}:generateContent",
    stream: false,
    sse: false,
    modelInPath: true,
    body: gemini,
  },
  {
    name: "gemini.streamGenerateContent alt=sse",
    provider: "gemini",
    path: "/gemini/v1beta/models/{model}:streamGenerateContent?alt=sse",
    stream: true,
    sse: true,
    modelInPath: true,
    body: gemini,
  },
  {
    name: "gemini.streamGenerateContent (JSON array)",
    provider: "gemini",
    path: "/gemini/v1beta/models/{model}:streamGenerateContent",
    stream: true,
    sse: false,
    modelInPath: true,
    body: gemini,
  },
];

/** The client key where each provider's official SDK sends its API key. */
export function clientAuth(provider: ProviderName | string, key: string): Record<string, string> {
  if (provider === "anthropic") return { "x-api-key": key };
  if (provider === "gemini") return { "x-goog-api-key": key };
  return { authorization: `Bearer ${key}` };
}
