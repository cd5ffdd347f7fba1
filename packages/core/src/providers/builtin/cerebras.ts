/** Cerebras' OpenAI-compatible API: https://inference-docs.cerebras.ai/resources/openai */
import { chatCompletions, listModels, openAiCompatible, under } from "../openai-compatible.js";

export const cerebras = openAiCompatible({
  name: "cerebras",
  defaultBaseUrl: "https://api.cerebras.ai",
  basePath: "",
  env: {
    apiKey: "CEREBRAS_API_KEY",
    secondaryApiKey: "CEREBRAS_API_KEY_SECONDARY",
    baseUrl: "CEREBRAS_BASE_URL",
  },
  keyShape: /^csk-[A-Za-z0-9]{20,}$/,
  endpoints: under("/v1", [chatCompletions, listModels]),
  chatPath: "/v1/chat/completions",
});
