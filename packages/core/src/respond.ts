/** Every response Sluice writes itself: errors in the caller's provider shape, with the failure named. */
import { FAILURE_HEADER, type FailureName, GatewayError } from "./failures.js";
import type { ProviderSpec } from "./providers/types.js";

/** Used where no provider is known (unknown prefix, /healthz): OpenAI's shape, the most widely parsed. */
function genericErrorBody(status: number, failure: FailureName, message: string): string {
  return JSON.stringify({ error: { message, type: failure, code: status } });
}

export function errorResponse(
  provider: ProviderSpec | undefined,
  status: number,
  failure: FailureName,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body = provider
    ? provider.errorBody(status, failure, message)
    : genericErrorBody(status, failure, message);
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", [FAILURE_HEADER]: failure, ...headers },
  });
}

export function responseForError(provider: ProviderSpec | undefined, error: GatewayError): Response {
  return errorResponse(provider, error.status, error.failure, error.message, error.headers);
}

/** Turns anything thrown into a JSON 500 that names no secret: the message is fixed, not the error's. */
export function responseForThrown(provider: ProviderSpec | undefined, error: unknown): Response {
  if (error instanceof GatewayError) return responseForError(provider, error);
  return errorResponse(
    provider,
    500,
    "internal_error",
    "Sluice hit an internal error handling this request. It has been recorded as internal_error.",
  );
}

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
