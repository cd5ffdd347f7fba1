/**
 * A setting the handler cannot honour, found when it starts (on the first request, since `process.env` is
 * never read at import time). Its message names the fix and never holds a secret value, so it is safe to
 * show the caller as well as the function log. The class `redisFromEnv` throws too, so it is `@sluice/upstash`'s.
 */
export { ConfigurationError } from "@sluice/upstash";
