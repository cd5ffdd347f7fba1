/** OpenAI: https://platform.openai.com/docs/api-reference */
import { chatCompletions, listModels, openAiCompatible } from "../openai-compatible.js";

export const openai = openAiCompatible({
  name: "openai",
  defaultBaseUrl: "https://api.openai.com/v1",
  basePath: "/v1",
  env: {
    apiKey: "OPENAI_API_KEY",
    secondaryApiKey: "OPENAI_API_KEY_SECONDARY",
    baseUrl: "OPENAI_BASE_URL",
  },
  keyShape: /^sk-[A-Za-z0-9_-]{20,}$/,
  chatPath: "/chat/completions",
  endpoints: [
    chatCompletions,
    {
      name: "responses",
      method: "POST",
      pattern: /^\/responses$/,
      kind: "json",
      stream: "body-flag",
      cacheable: true,
      metered: true,
      operation: "chat",
    },
    {
      name: "embeddings",
      method: "POST",
      pattern: /^\/embeddings$/,
      kind: "json",
      stream: "never",
      cacheable: true,
      metered: true,
      operation: "embeddings",
    },
    listModels,
    {
      name: "responses",
      method: "GET",
      pattern: /^\/responses\/[^/]+(\/input_items)?$/,
      kind: "passthrough",
      stream: "never",
    },
    {
      name: "responses",
      method: "DELETE",
      pattern: /^\/responses\/[^/]+$/,
      kind: "passthrough",
      stream: "never",
    },
    {
      name: "files",
      method: "GET",
      pattern: /^\/files(\/[^/]+(\/content)?)?$/,
      kind: "passthrough",
      stream: "never",
    },
    { name: "files", method: "POST", pattern: /^\/files$/, kind: "passthrough", stream: "never" },
    { name: "files", method: "DELETE", pattern: /^\/files\/[^/]+$/, kind: "passthrough", stream: "never" },
  ],
});
