// The request every benchmark sends: an Anthropic Messages call with the bench's client key, streamed or not.
export const CLIENT_KEY = "sluice-bench-key";

/** `events`: how many content events the fake upstream streams (`x-fake-events`). */
export function anthropicRequest(stream, events = 20) {
  return {
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      stream,
      messages: [{ role: "user", content: "Benchmark request: say something short." }],
    }),
    headers: {
      "content-type": "application/json",
      "x-api-key": CLIENT_KEY,
      "anthropic-version": "2023-06-01",
      // Every call goes upstream: "everything on" pays for hashing and writing the cache, never gets a hit.
      "cache-control": "no-cache",
      ...(stream ? { "x-fake-events": String(events) } : {}),
    },
  };
}

/**
 * An OpenAI Chat Completions call asking for usage (`stream_options.include_usage`, as the Vercel AI SDK
 * sends it): every streamed chunk then carries `"usage": null`, the last one the numbers.
 */
export function openaiRequest(events = 20) {
  return {
    path: "/openai/v1/chat/completions",
    body: JSON.stringify({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Benchmark request: say something short." }],
    }),
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${CLIENT_KEY}`,
      "x-fake-events": String(events),
    },
  };
}
