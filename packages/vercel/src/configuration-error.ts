/**
 * A setting the handler cannot honour, found when it starts (on the first request, since `process.env` is
 * never read at import time). The one class every adapter throws, from `@sluice/core/adapter`.
 */
export { ConfigurationError } from "@sluice/core/adapter";
