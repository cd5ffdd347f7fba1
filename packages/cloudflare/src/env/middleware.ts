/** The Cloudflare features that are gateway middleware: the R2 request log, conversation sessions, hydration. */
import { hydrateObjects, type Middleware, type ObjectStore } from "@sluice/core";
import { requestLog } from "../features/request-log.js";
import type { SluiceSessions } from "../features/sessions/durable-object.js";
import { conversationSessions } from "../features/sessions/middleware.js";
import { r2Objects } from "../objects.js";
import { type BindingNames, binding, ConfigurationError, namespaceBinding, needBucket } from "./bindings.js";
import { type CloudflareOptions, want } from "./options.js";

/** The middleware, in order, and which of the features are on. */
export function middlewareFromEnv(
  source: Record<string, unknown>,
  names: BindingNames,
  options: CloudflareOptions<never>,
  objects: ObjectStore | undefined,
): { middleware: Middleware[]; requestLog: boolean; sessions: boolean; hydrate: boolean } {
  const middleware: Middleware[] = [];
  const logOptions = want(options.requestLog);
  if (logOptions) {
    const logBucket = logOptions.binding
      ? binding<R2Bucket>(source, logOptions.binding, "head", "an R2 bucket")
      : undefined;
    if (logOptions.binding && !logBucket)
      throw new ConfigurationError(
        `requestLog.binding is "${logOptions.binding}" but env has no such R2 bucket.`,
      );
    middleware.push(
      requestLog(
        logBucket ? r2Objects(logBucket) : needBucket(objects, names.objects, "requestLog"),
        logOptions,
      ),
    );
  }
  const sessionsNamespace = namespaceBinding<SluiceSessions>(
    source,
    names.sessions,
    options.sessions === false,
  );
  if (sessionsNamespace) middleware.push(conversationSessions(sessionsNamespace, options.sessions || {}));
  const hydrateOptions = want(options.hydrate);
  if (hydrateOptions)
    middleware.push(hydrateObjects(needBucket(objects, names.objects, "hydrate"), hydrateOptions));
  return { middleware, requestLog: !!logOptions, sessions: !!sessionsNamespace, hydrate: !!hydrateOptions };
}
