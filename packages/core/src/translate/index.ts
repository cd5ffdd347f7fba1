/** Anthropic Messages ⇄ OpenAI Chat Completions, for cross-provider fallbacks (text conversations only). */
import type { ChatShape } from "../providers/types.js";
import { Untranslatable, anthropicToOpenAiRequest, openAiToAnthropicRequest } from "./requests.js";
import {
  anthropicToOpenAiJson,
  anthropicToOpenAiStream,
  openAiToAnthropicJson,
  openAiToAnthropicStream,
} from "./responses.js";

export { Untranslatable };

type Shape = ChatShape;
type Json = Record<string, unknown>;

export interface Translation {
  /** The request body for the fallback's provider. */
  body: Uint8Array;
  /** Turns the fallback's JSON answer into the client's shape. */
  json(answer: Json): Json;
  /** Turns the fallback's SSE stream into the client's. */
  stream(): TransformStream<Uint8Array, Uint8Array>;
}

/** Plans a translation from the client's shape to the target's; throws `Untranslatable` when it can't. */
export function translation(
  from: Shape,
  to: Shape,
  request: Json,
  targetModel: string,
  clientModel: string,
): Translation {
  const encode = (value: Json) => new TextEncoder().encode(JSON.stringify(value));
  if (from === "anthropic" && to === "openai") {
    return {
      body: encode(anthropicToOpenAiRequest(request, targetModel)),
      json: (answer) => openAiToAnthropicJson(answer, clientModel),
      stream: () => openAiToAnthropicStream(clientModel),
    };
  }
  if (from === "openai" && to === "anthropic") {
    const options = request.stream_options as { include_usage?: boolean } | undefined;
    return {
      body: encode(openAiToAnthropicRequest(request, targetModel)),
      json: (answer) => anthropicToOpenAiJson(answer, clientModel),
      stream: () => anthropicToOpenAiStream(clientModel, options?.include_usage === true),
    };
  }
  throw new Untranslatable(`no translation from ${from} to ${to}`);
}
