/**
 * A configuration an adapter cannot honour, found when it starts, and the answer every call gets until it is
 * fixed. Its message names the fix and never holds a secret value, so it is safe to show the caller as well
 * as the log.
 */
import { FAILURE_HEADER } from "../failures.js";
import { PROVIDERS, type ProviderName } from "../providers/index.js";

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

/** The provider a path addresses, so the error reaches the client in the shape its SDK parses. */
function providerOf(request: Request, basePath = "") {
  const path = new URL(request.url).pathname;
  const rest = path.startsWith(basePath) ? path.slice(basePath.length) : path;
  const name = rest.split("/")[1] ?? "";
  return Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name as ProviderName] : undefined;
}

/**
 * The 500 a gateway that could not start answers with, in the error shape of the provider the path names
 * (OpenAI's shape elsewhere), and one log line saying why. A `ConfigurationError`'s message reaches the
 * client; any other error could quote configuration, so the client is pointed at the log instead.
 *
 * @example
 * try { gateway ??= createGateway(options) } catch (error) { return configurationErrorResponse(request, error) }
 */
export function configurationErrorResponse(
  request: Request,
  error: unknown,
  { basePath, log = console.error }: { basePath?: string; log?: (line: string) => void } = {},
): Response {
  const reason = error instanceof Error ? error.message : String(error);
  log(`[sluice] configuration error: ${reason}`);
  const message =
    error instanceof ConfigurationError
      ? `The gateway is misconfigured: ${reason}`
      : "The gateway is misconfigured; see the logs.";
  const provider = providerOf(request, basePath);
  const body = provider
    ? provider.errorBody(500, "internal_error", message)
    : JSON.stringify({ error: { message, type: "internal_error", code: 500 } });
  return new Response(body, {
    status: 500,
    headers: { "content-type": "application/json", [FAILURE_HEADER]: "internal_error" },
  });
}
