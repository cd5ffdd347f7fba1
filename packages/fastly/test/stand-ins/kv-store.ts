/**
 * Stand-in for `fastly:kv-store`, checked against @fastly/js-compute 3.46's declarations (`implements`):
 * the key rules, put modes (`overwrite`, `add`, `append`, `prepend`), `gen`, metadata, TTL and paged
 * `list`, as documented there. It is ONE location with read-your-writes: the real store is eventually
 * consistent between POPs, which nothing here can show. It counts operations, so tests can prove how
 * many reads a lookup costs.
 */
import type * as Fastly from "fastly:kv-store";
import { fastlyState, type KvEntry } from "./state.js";

const MAX_VALUE_BYTES = 30 * 1024 * 1024;

function checkKey(method: string, key: string): void {
  if (
    key === "" ||
    key === "." ||
    key === ".." ||
    key.startsWith(".well-known/acme-challenge/") ||
    /[#;?^|\n\r]/.test(key) ||
    key.length > 1024
  )
    throw new TypeError(`KVStore.${method}: invalid key ${JSON.stringify(key.slice(0, 40))}`);
}

async function toBytes(value: BodyInit): Promise<Uint8Array> {
  return new Uint8Array(await new Response(value).arrayBuffer());
}

const toMetadata = (value: ArrayBufferView | ArrayBuffer | string): Uint8Array =>
  typeof value === "string"
    ? new TextEncoder().encode(value)
    : ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice()
      : new Uint8Array(value).slice();

export class KVStoreEntry implements Fastly.KVStoreEntry {
  readonly #bytes: Uint8Array;
  readonly #metadata: Uint8Array | undefined;
  #used = false;
  constructor(bytes: Uint8Array, metadata: Uint8Array | undefined) {
    this.#bytes = bytes;
    this.#metadata = metadata;
  }
  get body(): ReadableStream {
    const bytes = this.#take();
    return new Response(bytes).body!;
  }
  get bodyUsed(): boolean {
    return this.#used;
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(this.#take());
  }
  async json(): Promise<object> {
    return JSON.parse(await this.text()) as object;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#take().slice().buffer as ArrayBuffer;
  }
  metadata(): ArrayBuffer | null {
    return this.#metadata ? (this.#metadata.slice().buffer as ArrayBuffer) : null;
  }
  metadataText(): string | null {
    return this.#metadata ? new TextDecoder().decode(this.#metadata) : null;
  }
  #take(): Uint8Array<ArrayBuffer> {
    if (this.#used) throw new TypeError("KVStoreEntry: body has already been read");
    this.#used = true;
    return this.#bytes.slice();
  }
}

export class KVStore implements Fastly.KVStore {
  readonly #name: string;
  readonly #entries: Map<string, KvEntry>;
  constructor(name: string) {
    const entries = fastlyState.kvStores.get(name);
    if (!entries) throw new TypeError(`KVStore constructor: No KVStore named '${name}' exists`);
    this.#name = name;
    this.#entries = entries;
  }

  #live(key: string): KvEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= fastlyState.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #count(op: "get" | "put" | "delete" | "list"): void {
    const ops = fastlyState.kvOps.get(this.#name) ?? { get: 0, put: 0, delete: 0, list: 0 };
    ops[op]++;
    fastlyState.kvOps.set(this.#name, ops);
  }

  async delete(key: string): Promise<undefined> {
    checkKey("delete", key);
    this.#count("delete");
    this.#fail();
    this.#entries.delete(key);
    return undefined;
  }

  async get(key: string): Promise<KVStoreEntry | null> {
    checkKey("get", key);
    this.#count("get");
    this.#fail();
    const entry = this.#live(key);
    return entry ? new KVStoreEntry(entry.bytes.slice(), entry.metadata) : null;
  }

  async put(
    key: string,
    value: BodyInit,
    options?: Parameters<Fastly.KVStore["put"]>[2],
  ): Promise<undefined> {
    checkKey("put", key);
    if (options?.gen !== undefined && !(Number.isInteger(options.gen) && options.gen > 0))
      throw new TypeError("KVStore.put: gen must be a positive integer");
    this.#count("put");
    this.#fail();
    const bytes = await toBytes(value);
    if (bytes.byteLength > MAX_VALUE_BYTES) throw new TypeError("KVStore.put: value is over 30 MB");
    const current = this.#live(key);
    // Rejected promises, as 3.46 does on an insertion failure (precondition or existing key).
    if (options?.gen !== undefined && current?.generation !== options.gen)
      throw new Error("KVStore.put: generation does not match");
    const mode = options?.mode ?? "overwrite";
    if (mode === "add" && current) throw new Error("KVStore.put: key already exists (mode 'add')");
    let stored = bytes;
    if (current && (mode === "append" || mode === "prepend")) {
      const [a, b] = mode === "append" ? [current.bytes, bytes] : [bytes, current.bytes];
      stored = new Uint8Array(a.byteLength + b.byteLength);
      stored.set(a);
      stored.set(b, a.byteLength);
    }
    this.#entries.set(key, {
      bytes: stored,
      metadata: options?.metadata === undefined ? undefined : toMetadata(options.metadata),
      expiresAt: options?.ttl === undefined ? undefined : fastlyState.now() + options.ttl * 1000,
      generation: (current?.generation ?? 0) + 1,
    });
    return undefined;
  }

  async list(options?: Parameters<Fastly.KVStore["list"]>[0]): Promise<{
    list: string[];
    cursor: string | undefined;
  }> {
    this.#count("list");
    this.#fail();
    const prefix = options?.prefix ?? "";
    const keys = [...this.#entries.keys()].filter((k) => k.startsWith(prefix) && this.#live(k)).sort();
    const start = options?.cursor ? Number(atob(options.cursor)) : 0;
    const limit = options?.limit ?? 100;
    const page = keys.slice(start, start + limit);
    const next = start + limit < keys.length ? btoa(String(start + limit)) : undefined;
    return { list: page, cursor: next };
  }

  /** A store "outage" a test switched on (fastlyState.kvDown): every call rejects. */
  #fail(): void {
    if (fastlyState.kvDown.has(this.#name)) throw new Error("KVStore: the store could not be reached");
  }
}
