/**
 * Stand-in for `fastly:cache`'s CoreCache (lookup and insert, which the adapter uses): one POP's cache,
 * with Fastly's key limits, millisecond `maxAge`, stale-while-revalidate, and insert overwriting.
 */
import type * as Fastly from "fastly:cache";
import { FastlyBody } from "./body.js";
import { fastlyState } from "./state.js";

interface Stored {
  bytes: Uint8Array;
  insertedAt: number;
  maxAge: number;
  swr: number;
  hits: number;
  sensitive: boolean;
}

/** What was inserted, for tests that check options such as `sensitive`. */
export const cacheEntries = new Map<string, Stored>();

function checkKey(key: string): void {
  if (key === "" || key.length > 8135) throw new TypeError("CoreCache: key must be 1-8135 characters");
}

export class CacheState implements Fastly.CacheState {
  constructor(
    readonly isFound: boolean,
    readonly isUsable: boolean,
    readonly isStale: boolean,
  ) {}
  found(): boolean {
    return this.isFound;
  }
  usable(): boolean {
    return this.isUsable;
  }
  stale(): boolean {
    return this.isStale;
  }
  mustInsertOrUpdate(): boolean {
    return !this.isUsable;
  }
}

export class CacheEntry implements Fastly.CacheEntry {
  #closed = false;
  constructor(readonly stored: Stored) {}
  close(): void {
    this.#closed = true;
  }
  state(): CacheState {
    const age = fastlyState.now() - this.stored.insertedAt;
    return new CacheState(true, age < this.stored.maxAge + this.stored.swr, age >= this.stored.maxAge);
  }
  userMetadata(): ArrayBuffer {
    return new ArrayBuffer(0);
  }
  body(options?: Fastly.CacheBodyOptions): ReadableStream {
    if (this.#closed) throw new TypeError("CacheEntry is closed");
    const bytes = this.stored.bytes.slice(options?.start ?? 0, options?.end);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        // Two chunks, so a reader that keeps only the first chunk would be caught.
        const half = Math.floor(bytes.byteLength / 2);
        if (half > 0) controller.enqueue(bytes.slice(0, half));
        controller.enqueue(bytes.slice(half));
        controller.close();
      },
    });
  }
  length(): number | null {
    return this.stored.bytes.byteLength;
  }
  maxAge(): number {
    return this.stored.maxAge;
  }
  staleWhileRevalidate(): number {
    return this.stored.swr;
  }
  age(): number {
    return fastlyState.now() - this.stored.insertedAt;
  }
  hits(): number {
    return this.stored.hits;
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: mirrors Fastly's static-only CoreCache class
export class CoreCache implements Fastly.CoreCache {
  static lookup(key: string, _options?: Fastly.LookupOptions): CacheEntry | null {
    checkKey(key);
    const stored = cacheEntries.get(key);
    if (!stored) return null;
    const entry = new CacheEntry(stored);
    if (!entry.state().usable()) return null;
    stored.hits++;
    return entry;
  }

  static insert(key: string, options: Fastly.InsertOptions): FastlyBody {
    checkKey(key);
    if (!(Number.isFinite(options.maxAge) && options.maxAge >= 0))
      throw new TypeError("CoreCache.insert: maxAge must be a non-negative number of milliseconds");
    const writer = new FastlyBody();
    writer.onClose = (bytes) => {
      if (options.length !== undefined && options.length !== bytes.byteLength)
        throw new TypeError(
          `CoreCache.insert: length ${options.length} but ${bytes.byteLength} bytes written`,
        );
      cacheEntries.set(key, {
        bytes,
        insertedAt: fastlyState.now(),
        maxAge: options.maxAge,
        swr: options.staleWhileRevalidate ?? 0,
        hits: 0,
        sensitive: !!options.sensitive,
      });
    };
    return writer;
  }
}
