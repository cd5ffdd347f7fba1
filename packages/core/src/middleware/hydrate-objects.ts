/**
 * Long context from object storage: content blocks that reference `sluice-object://<key>` are filled in from
 * the object store (`stores.objects`: R2, any S3-compatible bucket, memory) before the request goes upstream.
 * It needs only the `ObjectStore` port, so it works on every runtime; where a provider's bodies hold
 * references is the provider file's `objectSlots`.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../failures.js";
import type { ObjectStore } from "../ports/objects.js";
import { isRecord, type LoadedObject, OBJECT_SCHEME } from "../providers/object-slots.js";
import { toBase64 } from "../util/base64.js";
import { objectKeyProblem } from "../util/object-key.js";

export { OBJECT_SCHEME };

export interface HydrateOptions {
  /** Largest total of object bytes one request may pull in. Default 10 MiB. */
  maxBytes?: number;
  /** Most references in one request. Default 20. */
  maxObjects?: number;
  /**
   * Which keys a caller may read. Default: `shared/…` (put there by the operator) and
   * `uploads/<the caller's key id>/…` (what `POST /_sluice/uploads` hands that key), nothing else — so a
   * client can never read another client's uploads or the request log.
   */
  allow?: (key: string, ctx: GatewayContext) => boolean;
}

export const defaultAllow = (key: string, ctx: GatewayContext): boolean =>
  key.startsWith("shared/") || (!!ctx.client && key.startsWith(`uploads/${ctx.client.id}/`));

/**
 * A reference must be one literal, canonical key before any prefix is checked: `uploads/<me>/../<other>/x`
 * stays literal on R2 but an S3-compatible store resolves it, so such keys are refused on every store.
 */
function confined(key: string, ctx: GatewayContext, allow: HydrateOptions["allow"] & {}): boolean {
  return objectKeyProblem(key) === undefined && allow(key, ctx);
}

/**
 * @example
 * createGateway({ ..., middleware: [hydrateObjects(s3Objects({ ... }))] });
 * // Workers: createWorker({ hydrate: { maxBytes: 4 * 1024 * 1024 } }) wires it to the R2 binding.
 */
export function hydrateObjects(store: ObjectStore, options: HydrateOptions = {}): Middleware {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxObjects = options.maxObjects ?? 20;
  const allow = options.allow ?? defaultAllow;
  const marker = new TextEncoder().encode(OBJECT_SCHEME);

  return async function hydrate(ctx, next) {
    // Most requests reference nothing: a byte search keeps them byte-for-byte untouched and cheap.
    if (!ctx.body || !isRecord(ctx.json) || !contains(ctx.body, marker)) return next();
    const slots = ctx.provider.objectSlots?.(ctx.json) ?? [];
    if (slots.length === 0) return next();
    if (slots.length > maxObjects)
      throw new GatewayError(
        "bad_request",
        `This request references ${slots.length} objects; the limit is ${maxObjects}.`,
      );
    for (const { key } of slots) {
      if (!confined(key, ctx, allow))
        throw new GatewayError("forbidden", `This API key may not read ${OBJECT_SCHEME}${key}.`);
    }
    const loaded = await load(store, [...new Set(slots.map((s) => s.key))], maxBytes);
    for (const slot of slots) slot.fill(loaded.get(slot.key)!);
    // Same object, same bytes: the rewritten body is a pure function of the request and the objects, so
    // the provider's prompt cache sees an identical prefix on every call.
    ctx.body = new TextEncoder().encode(JSON.stringify(ctx.json));
    return next();
  };
}

async function load(
  store: ObjectStore,
  keys: string[],
  maxBytes: number,
): Promise<Map<string, LoadedObject>> {
  const out = new Map<string, LoadedObject>();
  let total = 0;
  for (const key of keys) {
    const object = await store.get(key);
    if (!object)
      throw new GatewayError("bad_request", `No object "${key}" (referenced as ${OBJECT_SCHEME}${key}).`);
    total += object.size;
    if (total > maxBytes) {
      await object.body.cancel().catch(() => {});
      throw new GatewayError(
        "payload_too_large",
        `The objects this request references exceed ${maxBytes} bytes (at "${key}").`,
      );
    }
    const bytes = new Uint8Array(await new Response(object.body).arrayBuffer());
    out.set(key, loaded(key, bytes, object.contentType));
  }
  return out;
}

/** A loaded object with the encodings provider files write it in. */
function loaded(key: string, bytes: Uint8Array, storedType: string | undefined): LoadedObject {
  const contentType = (storedType ?? "").split(";")[0]!.trim();
  const mediaType = (hint?: unknown) =>
    (typeof hint === "string" && hint) || contentType || "application/octet-stream";
  return {
    key,
    bytes,
    contentType,
    mediaType,
    base64: () => toBase64(bytes),
    dataUrl: (hint) => `data:${mediaType(hint)};base64,${toBase64(bytes)}`,
    text() {
      try {
        return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
      } catch {
        throw new GatewayError(
          "bad_request",
          `Object "${key}" is not UTF-8 text; reference it as a base64 document or image instead.`,
        );
      }
    },
  };
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!;
  outer: for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return false;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
