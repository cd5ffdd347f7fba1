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
