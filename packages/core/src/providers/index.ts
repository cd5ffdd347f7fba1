import { anthropic } from "./anthropic.js";
import { gemini } from "./gemini.js";
import { cerebras, groq, openai } from "./openai.js";
import type { ProviderName, ProviderSpec } from "./types.js";

export const PROVIDERS: Record<ProviderName, ProviderSpec> = { anthropic, openai, gemini, groq, cerebras };
export type { Endpoint, ProviderName, ProviderSpec, StreamMode } from "./types.js";
