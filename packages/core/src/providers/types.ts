import type { FailureName } from "../failures.js";
import type { UsageReader } from "../stream/usage.js";
import type { ProviderName } from "./index.js";
import type { FindObjectSlots } from "./object-slots.js";

export type { ProviderName };

/** How a response of this endpoint streams. */
export type StreamMode =
  /** Streams when the JSON body says `"stream": true` (Anthropic, OpenAI-compatible). */
  | "body-flag"
  /** Always streams (Gemini `:streamGenerateContent`; SSE with `?alt=sse`, a JSON array otherwise). */
  | "always"
  | "never";

/** The chat wire formats Sluice translates between for cross-provider fallbacks. */
export type ChatShape = "anthropic" | "openai";

/** `gen_ai.operation.name` in the OpenTelemetry GenAI conventions. */
export type GenAiOperation = "chat" | "embeddings" | "generate_content";

export interface Endpoint {
  /** Route name used in metrics, e.g. "messages" → "anthropic.messages". */
  name: string;
  method: "GET" | "POST" | "DELETE";
  /** Matched against the path after the provider prefix and base path. Group 1, if any, is the model. */
  pattern: RegExp;
  /** "json" endpoints get the whole policy chain; "passthrough" ones only auth and key swap. */
  kind: "json" | "passthrough";
  stream: StreamMode;
  /** Whether a non-streamed 200 may be served from the response cache. */
  cacheable?: boolean;
  /** Bills tokens: budgets reserve before the call and settle on the usage read after it. */
  metered?: boolean;
  /** Its `gen_ai.operation.name`; other endpoints (models, files…) are named after themselves. */
  operation?: GenAiOperation;
  /** A conversation in this chat format: sessions and cross-provider translation work on it. */
  chat?: ChatShape;
  /** Its streams carry usage only when asked (`stream_options.include_usage`); budgets ask for it. */
  usageOptIn?: boolean;
  /** The provider can count this endpoint's input tokens (`ProviderSpec.countTokens`). */
  countable?: boolean;
}

/** Header names (lower case) and name prefixes allowed across the gateway in one direction. */
export interface HeaderAllowList {
  names: readonly string[];
  prefixes?: readonly string[];
}

/** The environment (secret and setting) names a provider is configured by, the same on every adapter. */
export interface ProviderEnv {
  /** The operator's key. */
  apiKey: string;
  /** A second key, used during rotation. */
  secondaryApiKey: string;
  /** Overrides the upstream base URL (tests, proxies). */
  baseUrl: string;
}

/** The request to the provider's own token-counting endpoint. */
export interface CountTokensRequest {
  /** Relative to the base URL. */
  path: string;
  body: Record<string, unknown>;
}

/** Counting input tokens with the provider's own endpoint, asked near a budget cap. */
export interface CountTokens {
  /** The count request for a call to `upstreamPath` with body `json`, for `model`. */
  request(json: Record<string, unknown>, model: string, upstreamPath: string): CountTokensRequest;
  /** The count in the answer, if there is one. */
  read(answer: Record<string, unknown>): unknown;
}

/** The output a request caps itself to (`cap`, per choice) and how many choices it asks for (`n`). */
export type RequestedOutput = (body: Record<string, unknown>) => { cap?: number; n?: number };

export interface ProviderSpec<N extends string = ProviderName> {
  /** The path prefix (`/acme/…`), the metrics label and the admin API's provider name. */
  name: N;
  /** Real endpoint; overridable per gateway (tests, proxies). */
  defaultBaseUrl: string;
  /** Part of the client path that the base URL already ends with (OpenAI's "/v1"). */
  basePath: string;
  env: ProviderEnv;
  /** Secret names holding the provider key: `env.apiKey`, then `env.secondaryApiKey`. */
  keySecrets: readonly [string, string];
  /** Shape of a real provider key, for bring-your-own-key mode. */
  keyShape: RegExp;
  /** The key the client presented, from the header its official SDK sends. */
  readClientKey(request: Request, url: URL): string | undefined;
  /** Puts the provider key on an outgoing request and removes every client credential. */
  applyUpstreamAuth(headers: Headers, url: URL, key: string): void;
  /** Body of an error in this provider's own JSON shape, so its SDK parses it. */
  errorBody(status: number, failure: FailureName, message: string): string;
  /** A clean SSE error event in this provider's stream format, ending a stream that broke. */
  streamErrorEvent(failure: FailureName, message: string, endpoint: string): string;
  /**
   * For providers that stream a JSON array (Gemini without `alt=sse`): the text that closes the array with
   * an error element, when a stream breaks between elements (`first`: no element was sent yet).
   */
  jsonArrayErrorTail?: (failure: FailureName, message: string, first: boolean) => string;
  endpoints: Endpoint[];
  /**
   * What crosses the gateway for this provider: request headers sent upstream (beside the credential
   * `applyUpstreamAuth` sets) and response headers returned to the client. Everything else is dropped.
   * `account`: response headers that describe the account whose key made the call (its rate-limit state).
   * They reach the client only when that account is the caller's own (BYOK), or the operator opts in
   * (`upstream.providerRateLimitHeaders`): the operator's account is shared by every client key.
   */
  headers?: { request: HeaderAllowList; response: HeaderAllowList; account?: HeaderAllowList };
  /** Reads token usage (and in-stream errors) from a whole answer or one stream event. */
  readUsage: UsageReader;
  /** How a request caps its output; the default reads `max_completion_tokens`, `max_tokens`, `max_output_tokens` and `n`. */
  requestedOutput?: RequestedOutput;
  /** Present when the provider counts input tokens for its `countable` endpoints. */
  countTokens?: CountTokens;
  /** Where the `chat` endpoint lives relative to the base URL, for fallbacks translated to this provider. */
  chatPath?: string;
  /** `gen_ai.provider.name`; defaults to `name`. */
  genAiName?: string;
  /**
   * Where its request bodies may reference stored objects (`sluice-object://<key>`), for `hydrateObjects`.
   * Without it, references are forwarded as they are.
   */
  objectSlots?: FindObjectSlots;
}

/** A provider definition: everything but what `defineProvider` derives. */
export type ProviderDefinition<N extends string> = Omit<ProviderSpec<N>, "keySecrets">;
