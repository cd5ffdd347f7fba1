/**
 * A setting the handler cannot honour, found when it starts (on the first request, since `process.env` is
 * never read at import time). Its message names the fix and never holds a secret value, so it is safe to
 * show the caller as well as the function log.
 */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}
