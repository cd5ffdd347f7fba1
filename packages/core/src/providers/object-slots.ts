/**
 * Long context from object storage, the provider's half: where a request body in this provider's shape may
 * reference a stored object (`sluice-object://<key>`) and how the object is written in. The
 * `hydrateObjects` middleware loads the objects and fills the slots; it knows no provider's shape.
 */

export const OBJECT_SCHEME = "sluice-object://";

/** A stored object, loaded, with the encodings a provider's content blocks take. */
export interface LoadedObject {
  key: string;
  bytes: Uint8Array;
  /** The stored content type without parameters; "" if the store has none. */
  contentType: string;
  /** The object as UTF-8 text; a client error (400) if it is not. */
  text(): string;
  base64(): string;
  /** The block's own media type if it names one, else the stored one, else `application/octet-stream`. */
  mediaType(hint?: unknown): string;
  /** `data:<media type>;base64,…` */
  dataUrl(hint?: unknown): string;
}

/** One place in the body that holds a reference, and how to write the object into it. */
export interface ObjectSlot {
  key: string;
  fill(object: LoadedObject): void;
}

/** Every reference in a request body, in this provider's shape. */
export type FindObjectSlots = (body: Record<string, unknown>) => ObjectSlot[];

/** The key a string field references, if it is exactly `sluice-object://<key>`. */
export const objectRef = (value: unknown): string | undefined =>
  typeof value === "string" && value.startsWith(OBJECT_SCHEME) && value.length > OBJECT_SCHEME.length
    ? value.slice(OBJECT_SCHEME.length)
    : undefined;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Media types whose objects go in as text where a provider accepts text documents. */
export const isTextType = (type: string): boolean => type.startsWith("text/") || type === "application/json";
