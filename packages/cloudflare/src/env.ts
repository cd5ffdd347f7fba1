/**
 * Reads a Worker's `env` into gateway options: which bindings exist decides which features are on, and a
 * binding that exists but is the wrong kind is an error that says what to fix in wrangler config.
 */
import { type GatewayOptions, staticKeys } from "@sluice/core";
import { uploadsHandler } from "./features/uploads.js";
import { type AiBindingLike, withOpenAiPlaceholder, workersAiFetch } from "./features/workers-ai.js";
import { envSecrets } from "./secrets.js";
import { binding, ConfigurationError, DEFAULT_BINDINGS, needBucket } from "./env/bindings.js";
import { middlewareFromEnv } from "./env/middleware.js";
import { type CloudflareOptions, type Features, want } from "./env/options.js";
import { storesFromEnv } from "./env/stores.js";

export { type BindingNames, ConfigurationError, DEFAULT_BINDINGS } from "./env/bindings.js";
export { BASE_URL_VARS, type SluiceEnv } from "./env/vars.js";
export type { CloudflareOptions, Features } from "./env/options.js";

/** workerd's native pass-through: piping a fetch body into it runs in the runtime, not in JavaScript. */
const identityPassThrough = () =>
  new IdentityTransformStream() as unknown as {
    readable: ReadableStream<Uint8Array>;
    writable: WritableStream<Uint8Array>;
  };

const cloudflareClientAddress = (request: Request) => request.headers.get("cf-connecting-ip") ?? undefined;

/** Everything `createGateway` needs, read from `env`, plus which features ended up on. */
export function gatewayOptionsFromEnv<E extends object>(
  env: E,
  options: CloudflareOptions<E> = {},
): {
  options: GatewayOptions;
  features: Features;
  /** The `POST /_sluice/uploads` handler, when `uploads` is on. */
  uploads?: (request: Request) => Promise<Response | undefined>;
} {
  const source = env as Record<string, unknown>;
  const names = { ...DEFAULT_BINDINGS, ...options.bindings };
  const secrets = envSecrets(env);

  const extra = typeof options.gateway === "function" ? options.gateway(env) : (options.gateway ?? {});
  const { countersKind, counters, settings, cache, metrics, objects, keys, resources, usage } = storesFromEnv(
    source,
    names,
    options,
    secrets,
    {
      providers: extra.providers,
      staticKeyGrants: extra.clients?.staticKeyGrants,
    },
  );
  const pipeline = middlewareFromEnv(source, names, options, objects);
  const ai =
    options.workersAi === false
      ? undefined
      : binding<AiBindingLike>(source, names.ai, "run", "a Workers AI binding");

  const gatewayOptions: GatewayOptions = {
    secrets: ai ? withOpenAiPlaceholder(secrets) : secrets,
    ...(cache ? { cache: { ttlSeconds: 300, ...settings.cache, ...(options.cache || {}) } } : {}),
    ...(metrics ? { metrics } : {}),
    // Wrong admin keys are throttled per caller: on Workers, cf-connecting-ip is set by Cloudflare itself.
    ...(keys || usage ? { admin: { clientAddress: cloudflareClientAddress } } : {}),
    ...extra,
    // After `extra`, group by group: what the env turned on stays unless `extra` sets that very field.
    clients: { ...(keys ? { keys } : {}), ...extra.clients },
    limits: { ...(settings.rateLimit ? { rate: settings.rateLimit } : {}), ...extra.limits },
    upstream: {
      // Streamed answers are pumped into workerd's own stream (docs/benchmarks.md: less CPU per event).
      passThrough: identityPassThrough,
      nativeStreams: options.nativeStreams ?? "byok",
      ...extra.upstream,
      ...(ai ? { fetch: workersAiFetch(ai, extra.upstream?.fetch) } : {}),
    },
    providers: settings.providers, // env base URLs merged with `extra.providers`, not replaced by it
    middleware: [...pipeline.middleware, ...(extra.middleware ?? [])],
    stores: {
      counters,
      cache,
      objects,
      ...(usage ? { usage } : {}),
      ...(resources ? { resources } : {}),
      ...extra.stores,
    },
  };

  let uploads: ((request: Request) => Promise<Response | undefined>) | undefined;
  const uploadOptions = want(options.uploads);
  if (uploadOptions) {
    const store = needBucket(objects, names.objects, "uploads");
    if (!store.presignUpload)
      throw new ConfigurationError(
        "uploads needs pre-signing: set the R2_ACCOUNT_ID and R2_BUCKET_NAME vars and the R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY secrets (an R2 API token).",
      );
    const clientKeys = gatewayOptions.clients?.keys;
    if (clientKeys === false)
      throw new ConfigurationError("uploads authenticates client keys, but `clients.keys` is false.");
    uploads = uploadsHandler({
      objects: store,
      keys: clientKeys ?? staticKeys(gatewayOptions.secrets),
      basePath: gatewayOptions.basePath,
      options: uploadOptions,
    });
  }

  return {
    options: gatewayOptions,
    uploads,
    features: {
      counters: countersKind,
      cache: !!cache && !!gatewayOptions.cache,
      metrics: !!metrics,
      objects: !!objects,
      presignUpload: !!objects?.presignUpload,
      hydrate: pipeline.hydrate,
      uploads: !!uploads,
      requestLog: pipeline.requestLog,
      sessions: pipeline.sessions,
      workersAi: !!ai,
      managedKeys: !!keys && gatewayOptions.clients?.keys === keys,
      usage: !!usage && gatewayOptions.stores?.usage === usage,
    },
  };
}
