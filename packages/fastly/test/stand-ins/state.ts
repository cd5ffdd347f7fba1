/**
 * The shared state behind the `fastly:*` stand-ins: what a Fastly service would have linked (stores,
 * static backends, log endpoints) and a clock tests can move. Tests arrange it; the stand-ins read it.
 */
export interface BackendTarget {
  /** host:port the backend connects to. */
  target: string;
  useSSL?: boolean;
  hostOverride?: string;
}

export interface FetchRecord {
  url: string;
  backend: string;
  /** Where the stand-in actually connected (the backend's target, as on Fastly). */
  connectedTo: string;
}

/** One KV Store entry as the stand-in keeps it. */
export interface KvEntry {
  bytes: Uint8Array;
  metadata?: Uint8Array;
  /** Milliseconds on fastlyState's clock after which the entry is gone (TTL). */
  expiresAt?: number;
  /** Bumped on each write; the stand-in's counterpart of Fastly's generation marker. */
  generation: number;
}

export const fastlyState = {
  /** Milliseconds added to Date.now(), so tests can let time pass for ERL and the cache. */
  offsetMs: 0,
  now(): number {
    return Date.now() + this.offsetMs;
  },
  secretStores: new Map<string, Map<string, string>>(),
  configStores: new Map<string, Map<string, string>>(),
  /** Static backends, as declared in fastly.toml. */
  staticBackends: new Map<string, BackendTarget>(),
  /** Lines written per log endpoint. */
  logs: new Map<string, string[]>(),
  fetches: [] as FetchRecord[],
  /** Linked KV Stores: name → entries. */
  kvStores: new Map<string, Map<string, KvEntry>>(),
  /** Operations per KV Store, so tests can count the reads a lookup costs. */
  kvOps: new Map<string, { get: number; put: number; delete: number; list: number }>(),
  /** KV Stores that reject every call (an outage), by name. */
  kvDown: new Set<string>(),
};

/** Forgets everything but static backends and stores, which a test file arranges once. */
export function resetRuntime(): void {
  fastlyState.offsetMs = 0;
  fastlyState.logs.clear();
  fastlyState.fetches.length = 0;
  fastlyState.kvOps.clear();
  fastlyState.kvDown.clear();
}

export function linkSecretStore(name: string, values: Record<string, string>): void {
  fastlyState.secretStores.set(name, new Map(Object.entries(values)));
}

export function linkConfigStore(name: string, values: Record<string, string>): void {
  fastlyState.configStores.set(name, new Map(Object.entries(values)));
}

export function declareBackend(name: string, target: BackendTarget): void {
  fastlyState.staticBackends.set(name, target);
}

/** Links an empty KV Store (or empties it again). */
export function linkKvStore(name: string): Map<string, KvEntry> {
  const entries = new Map<string, KvEntry>();
  fastlyState.kvStores.set(name, entries);
  return entries;
}
