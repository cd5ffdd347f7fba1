/**
 * Strongly consistent token buckets. One primitive serves the rate limiter, token budgets
 * (a bucket that does not refill, refunded after the call) and the circuit breaker.
 */
export interface BucketPolicy {
  /** Most tokens the bucket holds; a new bucket starts full. */
  capacity: number;
  /** Tokens added back per second, continuously. 0 for a budget that only resets by changing key. */
  refillPerSecond: number;
  /** How long an untouched bucket must be kept; after that the store may forget it (it would be full again). */
  ttlSeconds?: number;
}

export interface TakeOptions {
  /**
   * Apply the cost even when the bucket cannot cover it (the balance may go below zero).
   * Used to settle a budget to the usage actually observed; a negative cost refunds.
   */
  force?: boolean;
}

export interface TakeResult {
  /** Whether the cost was taken. A forced take is always `true`. */
  allowed: boolean;
  /** Tokens left after this call (may be negative after a forced take). */
  remaining: number;
  /** When not allowed: how long until the bucket could cover the cost (Infinity if it never refills). */
  retryAfterMs: number;
}

export interface RateLimitStore {
  /**
   * Whether `take` takes exactly `cost` tokens and a forced negative cost gives them back. Default true.
   * Stores that count calls whatever the cost (Cloudflare's rate-limiting binding) or cannot give back
   * (Fastly's Edge Rate Limiting) say `false`: rate-limit leasing is off on them, since a lease of N tokens
   * would cost one call there and admit N, or never come back.
   */
  readonly exactCosts?: boolean;
  /**
   * Atomically refill bucket `key` for the time passed, then take `cost` tokens if they are there.
   * `cost` 0 only reads. Concurrent calls must never admit more than the bucket holds.
   */
  take(key: string, cost: number, policy: BucketPolicy, options?: TakeOptions): Promise<TakeResult>;
  /**
   * Deletes buckets past their TTL (they would read as full). Only for stores that do not expire them on
   * their own (Redis TTLs, Deno KV `expireIn` and Durable Object alarms do); returns how many went.
   */
  prune?(): Promise<number>;
}
