/** The built-in providers: one file each in this folder. Everything else derives from this list (`index.ts`). */
import { anthropic } from "./anthropic.js";
import { cerebras } from "./cerebras.js";
import { gemini } from "./gemini.js";
import { groq } from "./groq.js";
import { openai } from "./openai.js";

/** In the order docs and generated files list them. */
export const PROVIDER_LIST = [anthropic, openai, gemini, groq, cerebras] as const;
