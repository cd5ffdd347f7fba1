// ai-sdk.mjs: the Vercel AI SDK. @ai-sdk/anthropic wants the base URL *with* /v1;
// @ai-sdk/openai calls the Responses API unless you ask for .chat(…) (Chat Completions).
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { streamText } from "ai";

const anthropic = createAnthropic({
  baseURL: "http://localhost:8787/anthropic/v1",
  apiKey: "<a Sluice key>",
});
const openai = createOpenAI({ baseURL: "http://localhost:8787/openai/v1", apiKey: "<a Sluice key>" });

for (const model of [anthropic("claude-sonnet-4-6"), openai.chat("gpt-4.1-mini"), openai("gpt-4.1-mini")]) {
  const result = streamText({ model, prompt: "Say hello" });
  for await (const text of result.textStream) process.stdout.write(text);
  process.stdout.write("\n");
}
