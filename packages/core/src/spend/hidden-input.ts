/**
 * Requests whose bytes understate their input tokens: references to content the provider fetches or keeps
 * (file ids, URLs, uploaded files, stored responses, cached prefixes) and media whose token count does not
 * follow its size. A budget cannot reserve such a call from its body size alone; it asks the provider to
 * count (Anthropic, Gemini) or runs the call through the key's single-flight gate (OpenAI-compatible).
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;

/** Content-part types that stand for more than their bytes (Anthropic, OpenAI Chat and Responses). */
const HIDDEN_TYPES = new Set([
  "image",
  "document",
  "container_upload",
  "image_url",
  "input_image",
  "input_file",
  "input_audio",
  "file",
]);
/** Fields that point at stored content, at any depth. */
const HIDDEN_FIELDS = [
  "file_id",
  "fileData",
  "file_data",
  "inlineData",
  "inline_data",
  "fileUri",
  "file_uri",
];
/** Top-level fields that pull in a stored conversation, prompt or cached prefix. */
const HIDDEN_TOP = ["previous_response_id", "conversation", "prompt", "cachedContent", "cached_content"];

/** Whether the body refers to input its size does not show. Walks the JSON once; depth-bounded. */
export function hidesInput(json: unknown): boolean {
  if (!isObject(json)) return false;
  for (const field of HIDDEN_TOP) if (json[field] !== undefined && json[field] !== null) return true;
  return walk(json, 0);
}

function walk(value: unknown, depth: number): boolean {
  // Deeper than any real request nests content: treat as hidden rather than recurse without end.
  if (depth > 32) return true;
  if (Array.isArray(value)) return value.some((item) => walk(item, depth + 1));
  if (!isObject(value)) return false;
  if (typeof value.type === "string" && HIDDEN_TYPES.has(value.type)) return true;
  for (const field of HIDDEN_FIELDS) if (value[field] !== undefined) return true;
  for (const key in value) {
    const child = value[key];
    if (typeof child === "object" && child !== null && walk(child, depth + 1)) return true;
  }
  return false;
}
