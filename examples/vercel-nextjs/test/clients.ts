/**
 * The clients a user points at the app: the official Anthropic, OpenAI and Google SDKs and the Vercel AI SDK,
 * each on a Sluice client key, each reporting everything it received to `seen` (for the leak check).
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";

/** Status lines, headers and bodies of every response a client got. */
export const seen: string[] = [];
const reads: Promise<unknown>[] = [];

export const observe: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  seen.push(`${response.status} ${JSON.stringify([...response.headers])}`);
  reads.push(
    response
      .clone()
      .text()
      .then((text) => seen.push(text)),
  );
  return response;
};

/** Waits until every observed body has been read to the end. */
export const allSeen = () => Promise.all(reads).then(() => seen.join("\n"));

/** Every client for one mount point of the app (`http://127.0.0.1:PORT` or `…/edge`). */
export function clientsFor(base: string, apiKey: string) {
  return {
    anthropic: new Anthropic({ apiKey, baseURL: `${base}/anthropic`, maxRetries: 0, fetch: observe }),
    openai: new OpenAI({ apiKey, baseURL: `${base}/openai/v1`, maxRetries: 0, fetch: observe }),
    gemini: new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${base}/gemini` } }),
    // The AI SDK's Anthropic provider appends /messages to its base URL, so it needs the /v1.
    aiAnthropic: createAnthropic({ apiKey, baseURL: `${base}/anthropic/v1`, fetch: observe }),
    // `.chat(…)` for Chat Completions: the provider's default model is the Responses API.
    aiOpenai: createOpenAI({ apiKey, baseURL: `${base}/openai/v1`, fetch: observe }),
  };
}
