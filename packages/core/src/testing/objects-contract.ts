import type { ObjectStore } from "../ports/objects.js";
import { type ContractCase, check, equal, freshKey } from "./assert.js";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** What every object store must do: exact bytes, size and content type back; null for a missing key. */
export function objectsContract(make: () => ObjectStore | Promise<ObjectStore>): ContractCase[] {
  return [
    {
      name: "objects: a missing key is null",
      async run() {
        equal(await (await make()).get(freshKey("none")), null, "get of a missing object");
      },
    },
    {
      name: "objects: bytes, size and content type round-trip",
      async run() {
        const store = await make();
        const key = `${freshKey("doc")}/report.txt`;
        const text = "long context ✓ ".repeat(5000);
        await store.put(key, text, { contentType: "text/plain" });
        const found = await store.get(key);
        check(found, "the object must be found");
        const bytes = await readAll(found.body);
        equal(found.size, bytes.byteLength, "size matches the bytes");
        equal(new TextDecoder().decode(bytes), text, "content");
        equal(found.contentType, "text/plain", "content type");
      },
    },
  ];
}
