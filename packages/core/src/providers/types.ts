import type { FailureName } from "../failures.js";

export type ProviderName = "anthropic" | "openai" | "gemini" | "groq" | "cerebras";

/** How a response of this endpoint streams. */
export type StreamMode =
  /** Streams when the JSON body says `"stream": true` (Anthropic, OpenAI-compatible). */
  | "body-flag"
  /** Always streams (Gemini `:streamGenerateContent`; SSE with `?alt=sse`, a JSON array otherwise). */
  | "always"
  | "never";

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
}

/** Header names (lower case) and name prefixes allowed across the gateway in one direction. */
export interface HeaderAllowList {
  names: readonly string[];
  prefixes?: readonly string[];
}

export interface ProviderSpec {
  name: ProviderName;
  /** Real endpoint; overridable per gateway (tests, proxies). */
  defaultBaseUrl: string;
  /** Part of the client path that the base URL already ends with (OpenAI's "/v1"). */
  basePath: string;
  /** Secret names holding the provider key: primary first, then a secondary used during rotation. */
  keySecrets: readonly string[];
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
   */
  headers?: { request: HeaderAllowList; response: HeaderAllowList };
}
