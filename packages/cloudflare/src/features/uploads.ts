/**
 * `POST /_sluice/uploads`: a client authenticated with its Sluice key gets a short-lived pre-signed PUT URL
 * for a fresh object under `uploads/<its key id>/`, which it can then reference as `sluice-object://<key>`.
 * Not a gateway route (core routes only provider paths), so the Worker entry answers it before the gateway.
 */
import { type KeyStore, type ObjectStore, sha256Hex } from "@sluice/core";

export const UPLOADS_PATH = "/_sluice/uploads";

export interface UploadsOptions {
  /** Lifetime of a URL when the client asks for none. Default 300 s. */
  expiresInSeconds?: number;
  /** Longest lifetime a client may ask for with `{ "expiresIn": n }`. Default 3600 s. */
  maxExpiresInSeconds?: number;
}

export interface UploadTicket {
  key: string;
  /** What to put in a content block: `sluice-object://<key>`. */
  ref: string;
  url: string;
  method: "PUT";
  /** ISO 8601. */
  expiresAt: string;
}

/**
 * @example
 * const uploads = uploadsHandler({ objects: r2Objects(env.OBJECTS, { presign }), keys: staticKeys(secrets) });
 * const answer = await uploads(request); // a Response, or undefined when the path is not the uploads path
 */
export function uploadsHandler(config: {
  objects: ObjectStore;
  keys: KeyStore;
  basePath?: string;
  options?: UploadsOptions;
}): (request: Request) => Promise<Response | undefined> {
  const path = `${(config.basePath ?? "").replace(/\/$/, "")}${UPLOADS_PATH}`;
  const fallback = config.options?.expiresInSeconds ?? 300;
  const longest = config.options?.maxExpiresInSeconds ?? 3600;

  return async (request) => {
    const url = new URL(request.url);
    if (url.pathname !== path) return undefined;
    if (request.method !== "POST")
      return error(405, "method_not_allowed", `Use POST for ${path}.`, { allow: "POST" });
    const presented = clientKey(request);
    if (!presented)
      return error(401, "unauthorized", "Missing API key: send your Sluice key as x-api-key or Bearer.");
    const record = await config.keys.lookup(await sha256Hex(presented));
    if (!record || record.disabled || (record.expiresAt !== undefined && record.expiresAt <= Date.now()))
      return error(401, "unauthorized", "Invalid API key.");
    if (!config.objects.presignUpload)
      return error(501, "not_implemented", "This gateway's object store cannot sign uploads.");

    const asked = await request.json().catch(() => ({}) as unknown);
    const fields = (typeof asked === "object" && asked !== null ? asked : {}) as {
      expiresIn?: unknown;
      filename?: unknown;
    };
    const seconds =
      typeof fields.expiresIn === "number" && fields.expiresIn >= 1
        ? Math.min(Math.floor(fields.expiresIn), longest)
        : fallback;
    const name =
      typeof fields.filename === "string"
        ? fields.filename.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100)
        : "";
    const key = `uploads/${record.id}/${crypto.randomUUID()}${name ? `/${name}` : ""}`;
    let signed: string;
    try {
      signed = await config.objects.presignUpload(key, seconds);
    } catch (problem) {
      // A missing R2 token: the message names the secrets to set, never a value.
      const message = problem instanceof Error ? problem.message : "Uploads are not configured.";
      console.error(`[sluice] uploads: ${message}`);
      return error(503, "sluice_configuration_error", message);
    }
    const ticket: UploadTicket = {
      key,
      ref: `sluice-object://${key}`,
      url: signed,
      method: "PUT",
      expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
    };
    return Response.json(ticket, { headers: { "cache-control": "no-store" } });
  };
}

/** Where the SDKs put their key: `x-api-key` (Anthropic), Bearer (OpenAI-compatible), `x-goog-api-key`. */
function clientKey(request: Request): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  return (
    request.headers.get("x-api-key") || bearer?.trim() || request.headers.get("x-goog-api-key") || undefined
  );
}

function error(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return Response.json({ error: { message, type, code: status } }, { status, headers });
}
