import type { ObjectStore } from "../ports/objects.js";

const encoder = new TextEncoder();

/** Objects in memory: tests and local use. */
export function memoryObjects(): ObjectStore {
  const objects = new Map<string, { bytes: Uint8Array; contentType?: string }>();
  return {
    async get(key) {
      const found = objects.get(key);
      if (!found) return null;
      const bytes = found.bytes;
      return {
        size: bytes.byteLength,
        contentType: found.contentType,
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(bytes.slice());
            controller.close();
          },
        }),
      };
    },
    async put(key, value, options) {
      const bytes = typeof value === "string" ? encoder.encode(value) : value.slice();
      objects.set(key, { bytes, contentType: options?.contentType });
    },
    async delete(key) {
      objects.delete(key);
    },
  };
}
