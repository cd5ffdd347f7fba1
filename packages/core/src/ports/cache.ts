/** A key-value cache with expiry, for cached responses. Values are opaque bytes. */
export interface CachePort {
  get(key: string): Promise<Uint8Array | null>;
  /** Store `value` for about `ttlSeconds`; a store with a minimum TTL rounds up and says so in its docs. */
  set(key: string, value: Uint8Array, ttlSeconds: number): Promise<void>;
  delete?(key: string): Promise<void>;
}
