/**
 * Token leasing: an isolate takes a handful of tokens from the strongly consistent store at once and admits
 * requests from them locally, so most admitted requests skip the store's round trip (a Durable Object hop on
 * Workers). It can never over-admit: every token admitted was taken from the store first. What it can do is
 * under-admit briefly: tokens leased by one isolate are unavailable to others until used, or given back when
 * the lease expires (checked on that key's next request). Near the end of a bucket (a whole lease no longer
 * fits) it stops leasing and every request goes to the store, so admission stays exact at the boundary.
 * Requests arriving while a lease is being renewed go to the store too: a burst can strand up to one lease
 * of tokens in this isolate until the lease expires and they are given back.
 */
import type { BucketPolicy, RateLimitStore, TakeOptions, TakeResult } from "../ports/rate-limit.js";

export interface LeaseOptions {
  /** Tokens taken per lease. Default 8. */
  size?: number;
  /** How long leased tokens are held before the unused ones are given back. Default 1000 ms. */
  ttlMs?: number;
}

interface Lease {
  tokens: number;
  expiresAt: number;
  /** The bucket could not cover a whole lease: requests go to the store one by one until expiry. */
  exact: boolean;
  pending?: Promise<void>;
}

/** Wraps a store so that plain unit takes (rate limits) are served from leases; everything else passes through. */
export function leasedRateLimitStore(
  store: RateLimitStore,
  { size = 8, ttlMs = 1000 }: LeaseOptions = {},
): RateLimitStore {
  const leases = new Map<string, Lease>();

  function giveBack(key: string, lease: Lease, policy: BucketPolicy): void {
    leases.delete(key);
    if (lease.tokens > 0) void store.take(key, -lease.tokens, policy, { force: true }).catch(() => {});
  }

  async function renew(key: string, lease: Lease, policy: BucketPolicy): Promise<void> {
    const want = Math.min(size, policy.capacity);
    const result = await store.take(key, want, policy);
    lease.expiresAt = Date.now() + ttlMs;
    if (result.allowed) lease.tokens += want;
    else lease.exact = true;
  }

  return {
    async take(key: string, cost: number, policy: BucketPolicy, options?: TakeOptions): Promise<TakeResult> {
      if (cost !== 1 || options?.force) return store.take(key, cost, policy, options);
      for (;;) {
        let lease = leases.get(key);
        if (lease && !lease.pending && lease.expiresAt <= Date.now()) {
          giveBack(key, lease, policy);
          lease = undefined;
        }
        if (lease && lease.tokens >= 1) {
          lease.tokens -= 1;
          return { allowed: true, remaining: lease.tokens, retryAfterMs: 0 };
        }
        // Another request is renewing: go to the store directly rather than wait on its promise. Workers run
        // a continuation in the context of the request that settled the promise, so waiting on another
        // request's I/O would make this request touch its own body from a foreign context.
        if (lease?.pending || lease?.exact) return store.take(key, cost, policy, options);
        const fresh: Lease = lease ?? { tokens: 0, expiresAt: 0, exact: false };
        leases.set(key, fresh);
        fresh.pending = renew(key, fresh, policy).finally(() => {
          fresh.pending = undefined;
        });
        await fresh.pending.catch((error) => {
          leases.delete(key);
          throw error;
        });
      }
    },
  };
}
