import type { ProviderName } from "../providers/types.js";

/** The pass-through resource families a key can be granted. */
export type ResourceGrant = "files" | "batches" | "responses";

export const RESOURCE_GRANTS: readonly ResourceGrant[] = ["files", "batches", "responses"];

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
  /**
   * Pass-through resource endpoints this key may use (Files, Message Batches, stored Responses). Without a
   * grant they are refused with 403; model lists stay open.
   */
  grants?: ResourceGrant[];
  /** Milliseconds since the epoch. */
  expiresAt?: number;
  disabled?: boolean;
}

/** Looks client keys up by hash. Static keys from a secret and store-backed sets both implement it. */
export interface KeyStore {
  lookup(hash: string): Promise<ClientKeyRecord | null>;
  /**
   * Optional: when no key is configured at all, what the operator should set (it ends the 401's message).
   * Undefined when keys exist.
   */
  whyEmpty?(): Promise<string | undefined>;
  /**
   * Management capability, used by the admin API (`/_sluice/keys`). `put` inserts or replaces the record
   * with this `id` (its hash may change); a store must never be handed, or keep, the key itself.
   */
  put?(record: ClientKeyRecord): Promise<void>;
  /** One record by its public id, or null. Optional: the admin API falls back to `list()`. */
  get?(id: string): Promise<ClientKeyRecord | null>;
  list?(): Promise<ClientKeyRecord[]>;
  /** Removes the record: its key is refused from the next lookup on (revocation). */
  delete?(id: string): Promise<void>;
}

/** A key store with the whole admin capability (create, read, list, revoke): what managed-key stores return. */
export type ManagedKeyStore = KeyStore & Required<Pick<KeyStore, "put" | "get" | "list" | "delete">>;
