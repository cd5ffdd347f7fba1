/** OpenAI, Groq and Cerebras: https://platform.openai.com/docs/api-reference · https://console.groq.com/docs/openai · https://inference-docs.cerebras.ai/resources/openai */
import { openAiCompatible } from "./openai-compatible.js";
import type { Endpoint } from "./types.js";

const chat: Endpoint = {
  name: "chat",
  method: "POST",
  pattern: /^\/chat\/completions$/,
  kind: "json",
  stream: "body-flag",
  cacheable: true,
};
const models: Endpoint = {
  name: "models",
  method: "GET",
  pattern: /^\/models(\/[^/]+)?$/,
  kind: "passthrough",
  stream: "never",
};

/** Endpoints relative to a base path, so Groq ("/openai/v1") and Cerebras ("/v1") reuse them. */
function under(prefix: string, endpoints: Endpoint[]): Endpoint[] {
  return endpoints.map((e) => ({ ...e, pattern: new RegExp(`^${prefix}${e.pattern.source.slice(1)}`) }));
}

export const openai = openAiCompatible({
  name: "openai",
  defaultBaseUrl: "https://api.openai.com/v1",
  basePath: "/v1",
  keySecrets: ["OPENAI_API_KEY", "OPENAI_API_KEY_SECONDARY"],
  keyShape: /^sk-[A-Za-z0-9_-]{20,}$/,
  endpoints: [
    chat,
    {
      name: "responses",
      method: "POST",
      pattern: /^\/responses$/,
      kind: "json",
      stream: "body-flag",
      cacheable: true,
    },
    {
      name: "embeddings",
      method: "POST",
      pattern: /^\/embeddings$/,
      kind: "json",
      stream: "never",
      cacheable: true,
    },
    models,
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

export const groq = openAiCompatible({
  name: "groq",
  defaultBaseUrl: "https://api.groq.com",
  basePath: "",
  keySecrets: ["GROQ_API_KEY", "GROQ_API_KEY_SECONDARY"],
  keyShape: /^gsk_[A-Za-z0-9]{20,}$/,
  endpoints: under("/openai/v1", [chat, models]),
});

export const cerebras = openAiCompatible({
  name: "cerebras",
  defaultBaseUrl: "https://api.cerebras.ai",
  basePath: "",
  keySecrets: ["CEREBRAS_API_KEY", "CEREBRAS_API_KEY_SECONDARY"],
  keyShape: /^csk-[A-Za-z0-9]{20,}$/,
  endpoints: under("/v1", [chat, models]),
});
