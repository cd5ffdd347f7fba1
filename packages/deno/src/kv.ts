/**
 * The slice of `Deno.Kv` the stores use, written out structurally so the package also type-checks (and
 * builds) under Node's tsc, where the `Deno` namespace does not exist. `Deno.Kv` satisfies it; the Deno
 * tests pass a real `Deno.openKv()` handle through these types, so `deno check` proves the fit.
 */
export type KvKeyPart = string | number | bigint | boolean | Uint8Array;
export type KvKey = readonly KvKeyPart[];

export interface KvEntryMaybeLike<T> {
  value: T | null;
  versionstamp: string | null;
}

export interface KvAtomicLike {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomicLike;
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): KvAtomicLike;
  commit(): Promise<{ ok: boolean }>;
}

export interface KvLike {
  get<T = unknown>(key: KvKey): Promise<KvEntryMaybeLike<T>>;
  getMany<T extends readonly unknown[]>(
    keys: readonly [...{ [K in keyof T]: KvKey }],
  ): Promise<{ [K in keyof T]: KvEntryMaybeLike<T[K]> }>;
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): Promise<unknown>;
  delete(key: KvKey): Promise<void>;
  atomic(): KvAtomicLike;
}

/** One entry of a `list()` scan (Deno's key parts also admit symbols, hence `unknown`). */
export interface KvEntryLike<T> {
  key: readonly unknown[];
  value: T;
  versionstamp: string;
}

/** An atomic operation with the mutations the key and usage stores need (`Deno.AtomicOperation` fits). */
export interface KvMutationsLike {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvMutationsLike;
  set(key: KvKey, value: unknown): KvMutationsLike;
  delete(key: KvKey): KvMutationsLike;
  /** Adds `n` to a `Deno.KvU64` (0 when absent), inside the commit: no read, no lost update. */
  sum(key: KvKey, n: bigint): KvMutationsLike;
  commit(): Promise<{ ok: boolean }>;
}

/** The slice of `Deno.Kv` the key store and the usage store use. `Deno.Kv` satisfies it. */
export interface KvSpendLike {
  get<T = unknown>(key: KvKey): Promise<KvEntryMaybeLike<T>>;
  getMany<T extends readonly unknown[]>(
    keys: readonly [...{ [K in keyof T]: KvKey }],
  ): Promise<{ [K in keyof T]: KvEntryMaybeLike<T[K]> }>;
  /** `end` (exclusive) bounds the scan inside the prefix. */
  list<T = unknown>(selector: { prefix: KvKey; end?: KvKey }): AsyncIterable<KvEntryLike<T>>;
  atomic(): KvMutationsLike;
}
