import type { ProviderName } from "../providers/types.js";

/** A client key as Sluice stores it: the key itself is never kept, only its SHA-256. */
export interface ClientKeyRecord {
  /** Public id, safe for logs and metrics (e.g. "key_3f9a…"). */
  id: string;
  name?: string;
  /** Hex SHA-256 of the key. */
  hash: string;
  /** Overrides the gateway's default rate limit, e.g. { limit: 60, windowSeconds: 60 }. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Token budget per window (all billed tokens count). */
  budget?: { tokens: number; window: "day" | "month" };
  allowedProviders?: ProviderName[];
  allowedModels?: string[];
  /** Milliseconds since the epoch. */
  expiresAt?: number;
  disabled?: boolean;
}

/** Looks client keys up by hash. Static keys from a secret and store-backed sets both implement it. */
export interface KeyStore {
  lookup(hash: string): Promise<ClientKeyRecord | null>;
  /** Optional management capability, used by the admin API. */
  put?(record: ClientKeyRecord): Promise<void>;
  list?(): Promise<ClientKeyRecord[]>;
  delete?(id: string): Promise<void>;
}
