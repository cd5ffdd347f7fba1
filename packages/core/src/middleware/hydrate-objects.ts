/**
 * Long context from object storage: content blocks that reference `sluice-object://<key>` are filled in from
 * the object store (`stores.objects`: R2, any S3-compatible bucket, memory) before the request goes upstream.
 * It needs only the `ObjectStore` port, so it works on every runtime.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../failures.js";
import type { ObjectStore } from "../ports/objects.js";
import { toBase64 } from "../util/base64.js";
import { objectKeyProblem } from "../util/object-key.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const OBJECT_SCHEME = "sluice-object://";

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

/** One place in the body that holds a reference, and how to write the object into it. */
interface Slot {
  key: string;
  fill: (object: Loaded) => void;
}

interface Loaded {
  key: string;
  bytes: Uint8Array;
  contentType: string;
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
    if (!ctx.body || !isObject(ctx.json) || !contains(ctx.body, marker)) return next();
    const slots = findSlots(ctx.provider.name, ctx.json);
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

async function load(store: ObjectStore, keys: string[], maxBytes: number): Promise<Map<string, Loaded>> {
  const out = new Map<string, Loaded>();
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
    out.set(key, { key, bytes, contentType: (object.contentType ?? "").split(";")[0]!.trim() });
  }
  return out;
}

const refOf = (value: unknown): string | undefined =>
  typeof value === "string" && value.startsWith(OBJECT_SCHEME) && value.length > OBJECT_SCHEME.length
    ? value.slice(OBJECT_SCHEME.length)
    : undefined;

function text(object: Loaded): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(object.bytes);
  } catch {
    throw new GatewayError(
      "bad_request",
      `Object "${object.key}" is not UTF-8 text; reference it as a base64 document or image instead.`,
    );
  }
}

const mediaType = (object: Loaded, hint: unknown) =>
  (typeof hint === "string" && hint) || object.contentType || "application/octet-stream";
const isText = (type: string) => type.startsWith("text/") || type === "application/json";

/** Every reference in the request, per provider's shape. */
function findSlots(provider: string, body: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  const lists = (value: unknown) => (Array.isArray(value) ? value : []);
  if (provider === "anthropic") {
    for (const block of lists(body.system)) anthropicBlock(block, slots);
    for (const message of lists(body.messages))
      if (isObject(message)) for (const block of lists(message.content)) anthropicBlock(block, slots);
  } else if (provider === "gemini") {
    for (const content of [body.systemInstruction, ...lists(body.contents)])
      if (isObject(content)) for (const part of lists(content.parts)) geminiPart(part, slots);
  } else {
    for (const message of lists(body.messages)) if (isObject(message)) openAiMessage(message, slots);
  }
  return slots;
}

/**
 * Anthropic: `{type:"text", text:REF}`; `{type:"document", source:{type:"text", media_type:"text/plain",
 * data:REF}}`; `{type:"document"|"image", source:{type:"url", url:REF}}` becomes a text source (text
 * objects, documents only) or a base64 source (PDFs, images), typed by the object's content type.
 */
function anthropicBlock(block: unknown, slots: Slot[]): void {
  if (!isObject(block)) return;
  const source = block.source;
  let key = block.type === "text" ? refOf(block.text) : undefined;
  if (key) slots.push({ key, fill: (o) => (block.text = text(o)) });
  if (!isObject(source) || (block.type !== "document" && block.type !== "image")) return;
  key = source.type === "text" ? refOf(source.data) : undefined;
  if (key) slots.push({ key, fill: (o) => (source.data = text(o)) });
  key = source.type === "url" ? refOf(source.url) : undefined;
  if (!key) return;
  slots.push({
    key,
    fill: (o) => {
      const type = mediaType(o, source.media_type);
      block.source =
        block.type === "document" && isText(type)
          ? { type: "text", media_type: "text/plain", data: text(o) }
          : { type: "base64", media_type: type, data: toBase64(o.bytes) };
    },
  });
}

/**
 * OpenAI-compatible chat: a string `content` that is exactly REF, `{type:"text", text:REF}`,
 * `{type:"image_url", image_url:{url:REF}}` and `{type:"file", file:{file_data:REF}}` (data URLs).
 */
function openAiMessage(message: Record<string, unknown>, slots: Slot[]): void {
  const whole = refOf(message.content);
  if (whole) slots.push({ key: whole, fill: (o) => (message.content = text(o)) });
  if (!Array.isArray(message.content)) return;
  for (const part of message.content) {
    if (!isObject(part)) continue;
    const image = isObject(part.image_url) ? part.image_url : undefined;
    const file = isObject(part.file) ? part.file : undefined;
    let key = part.type === "text" ? refOf(part.text) : undefined;
    if (key) slots.push({ key, fill: (o) => (part.text = text(o)) });
    key = image ? refOf(image.url) : undefined;
    if (key && image) slots.push({ key, fill: (o) => (image.url = dataUrl(o, undefined)) });
    key = file ? refOf(file.file_data) : undefined;
    if (key && file) slots.push({ key, fill: (o) => (file.file_data = dataUrl(o, undefined)) });
  }
}

/** Gemini: `{text:REF}` and `{fileData:{fileUri:REF, mimeType?}}` (becomes `inlineData`). */
function geminiPart(part: unknown, slots: Slot[]): void {
  if (!isObject(part)) return;
  let key = refOf(part.text);
  if (key) slots.push({ key, fill: (o) => (part.text = text(o)) });
  const file = isObject(part.fileData) ? part.fileData : undefined;
  key = file ? refOf(file.fileUri) : undefined;
  if (!key || !file) return;
  slots.push({
    key,
    fill: (o) => {
      delete part.fileData;
      part.inlineData = { mimeType: mediaType(o, file.mimeType), data: toBase64(o.bytes) };
    },
  });
}

const dataUrl = (object: Loaded, hint: unknown) =>
  `data:${mediaType(object, hint)};base64,${toBase64(object.bytes)}`;

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!;
  outer: for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return false;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
