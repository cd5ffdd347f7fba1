/** Groq's OpenAI-compatible API: https://console.groq.com/docs/openai */
import type { UsageReader } from "../../stream/usage.js";
import {
  chatCompletions,
  listModels,
  openAiCompatible,
  readOpenAiUsage,
  under,
} from "../openai-compatible.js";

type Chunk = { usage?: unknown; response?: { usage?: unknown }; x_groq?: { usage?: unknown } };

/** Besides OpenAI's `usage`, Groq's streams may report usage under `x_groq.usage` (read when `usage` is absent). */
const readGroqUsage: UsageReader = (value, usage) => {
  const chunk = typeof value === "object" && value !== null ? (value as Chunk) : undefined;
  const own = chunk?.usage ?? chunk?.response?.usage;
  if (own == null && chunk?.x_groq?.usage != null)
    return readOpenAiUsage({ ...chunk, usage: chunk.x_groq.usage }, usage);
  return readOpenAiUsage(value, usage);
};

export const groq = openAiCompatible({
  name: "groq",
  defaultBaseUrl: "https://api.groq.com",
  basePath: "",
  env: {
    apiKey: "GROQ_API_KEY",
    secondaryApiKey: "GROQ_API_KEY_SECONDARY",
    baseUrl: "GROQ_BASE_URL",
  },
  keyShape: /^gsk_[A-Za-z0-9]{20,}$/,
  endpoints: under("/openai/v1", [chatCompletions, listModels]),
  chatPath: "/openai/v1/chat/completions",
  readUsage: readGroqUsage,
});
