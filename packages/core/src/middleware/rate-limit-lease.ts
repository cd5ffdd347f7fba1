/**
 * Token leasing: an isolate takes a handful of tokens from the strongly consistent store at once and admits
 * requests from them locally, so most admitted requests skip the store's round trip (a Durable Object hop on
 * Workers, 50–150 ms from another continent).
 *
 * It can never over-admit: a token is admitted here only after the store gave it, so leases plus direct
 * takes never exceed the bucket. What it can do is under-admit briefly: tokens this isolate holds are not
 * available to others until used, or given back once the lease has gone `ttlMs` without a renewal (a timer
 * kept alive with `waitUntil`, and checked again on that key's next call). An isolate holds at most `size`
 * tokens per key.
 *
 * The lease is renewed in the background before it runs out: once 80% of it is used (sooner when the
 * observed rate would empty it within a round trip), or when it is about to expire. The renewal tops it
 * back up to `size`; calls keep being admitted from what is left while it is in flight, so in a steady
 * stream no call waits on the store. Only the first call (no lease yet) waits, and a call that finds the
 * lease empty while a renewal is in flight goes to the store on its own rather than wait on another
 * request's promise (Workers would run its continuation in that other request's context).
 *
 * Near the end of a bucket (the store cannot cover a renewal) it gives back what it holds and stops leasing
 * for `ttlMs`: every call goes to the store, so admission stays exact at the boundary.
 *
 * `size: "auto"` (the default) leases only where it pays and costs little fairness: a key is leased once calls
 * for it pile up behind the store's round trip (two already waiting on it in this isolate), and then holds at
 * most 1/16 of its bucket, up to 64 tokens; a bucket too small for 4 is never leased. A key called one at a
 * time takes one token per call from the store, exactly as without leasing.
 */
import type { BucketPolicy, RateLimitStore, TakeResult } from "../ports/rate-limit.js";

export interface LeaseOptions {
  /**
   * Most tokens one isolate holds per key (taken from the store in one round trip). Default 8 when leasing is
   * configured; `"auto"` (what `limits.lease` defaults to): leased only under load, up to 1/16 of the bucket.
   */
  size?: number | "auto";
  /** How long held tokens may sit unused before they are given back to the store. Default 1000 ms. */
  ttlMs?: number;
}

/** Keeps work alive past the response (Workers' `waitUntil`), so a renewal a finished call started lands. */
export type Background = (work: Promise<unknown>) => void;

export interface TokenLeases {
  /** How long unused tokens are held: a denial seen here may be stale after this long (tokens come back). */
  readonly ttlMs: number;
  /** Whether a bucket with this policy can be leased at all (so a denial may go stale within `ttlMs`). */
  leasable(policy: BucketPolicy): boolean;
  /** One token of `key`'s bucket: from this isolate's lease when it holds one, else from the store. */
  take(key: string, policy: BucketPolicy, background: Background): Promise<TakeResult>;
}

/** A renewal starts once this share of the lease is used. */
const RENEW_WHEN_USED = 0.8;
/** Auto: a key is leased once this many of its calls are already waiting on the store in this isolate. */
const AUTO_ENGAGE_WAITING = 2;
/** Auto: a lease holds at most this share of the bucket, and at most `AUTO_MAX` tokens… */
const AUTO_SHARE = 1 / 16;
const AUTO_MAX = 64;
/** …and a bucket whose share is smaller than this is not worth leasing (each renewal would save little). */
const AUTO_MIN = 4;

/** The lease size for a bucket (0: never leased), and how many calls must wait on the store first. */
function sizing(size: number | "auto"): { sizeFor: (policy: BucketPolicy) => number; engageAt: number } {
  if (size !== "auto") return { sizeFor: () => size, engageAt: 0 };
  return {
    sizeFor: (policy) => {
      const share = Math.min(AUTO_MAX, Math.floor(policy.capacity * AUTO_SHARE));
      return share >= AUTO_MIN ? share : 0;
    },
    engageAt: AUTO_ENGAGE_WAITING,
  };
}

interface Lease {
  /** Most tokens held: set when the lease is made, lowered by a renewal under a lowered limit. */
  size: number;
  tokens: number;
  /** When the held tokens are given back unless a renewal extends the lease. */
  expiresAt: number;
  /** Until then the store could not cover a renewal: no leasing, calls without a held token go to the store. */
  exactUntil: number;
  renewing: boolean;
  /** The last renewal's round trip (ms), and the tokens used since the last grant: when to renew. */
  rttMs: number;
  grantedAt: number;
  used: number;
}

/** `now` is the clock (tests pass a fake one). */
export function tokenLeases(
  store: RateLimitStore,
  { size = 8, ttlMs = 1000 }: LeaseOptions = {},
  now: () => number = Date.now,
): TokenLeases {
  const leases = new Map<string, Lease>();
  const { sizeFor, engageAt } = sizing(size);
  /** Calls per key now waiting on the store without a lease: when `"auto"` starts leasing a key. */
  const waiting = new Map<string, number>();

  async function direct(key: string, policy: BucketPolicy): Promise<TakeResult> {
    waiting.set(key, (waiting.get(key) ?? 0) + 1);
    try {
      return await store.take(key, 1, policy);
    } finally {
      const left = waiting.get(key)! - 1;
      if (left > 0) waiting.set(key, left);
      else waiting.delete(key);
    }
  }

  function giveBack(lease: Lease, key: string, policy: BucketPolicy, background: Background): void {
    if (lease.tokens > 0) background(store.take(key, -lease.tokens, policy, { force: true }));
    lease.tokens = 0;
  }

  /** Tops the lease up to `size`. The caller either awaits it (no token left) or runs it in the background. */
  async function renew(
    lease: Lease,
    key: string,
    policy: BucketPolicy,
    background: Background,
  ): Promise<void> {
    // The bucket's policy may have changed since the lease was made (a key's limit lowered): never hold more
    // than the current policy allows.
    const size = Math.min(lease.size, sizeFor(policy), Math.floor(policy.capacity));
    lease.size = size; // what `due` measures "low" against
    if (size < 1) {
      // No longer leasable: hand back what is held; calls go to the store.
      giveBack(lease, key, policy, background);
      if (leases.get(key) === lease) leases.delete(key);
      return;
    }
    const want = Math.max(1, size - Math.max(0, lease.tokens));
    lease.renewing = true;
    const started = now();
    let granted = false;
    try {
      const result = await store.take(key, want, policy);
      const at = now();
      lease.rttMs = at - started;
      if (result.allowed) {
        granted = true;
        lease.tokens += want;
        lease.expiresAt = at + ttlMs;
        lease.grantedAt = at;
        lease.used = 0;
        background(expire(lease, key, policy, lease.expiresAt));
      } else {
        // The bucket is nearly empty: hand back what is held, so every isolate competes for the same last
        // tokens one round trip each, and keep the lease (empty) until the exact spell ends.
        giveBack(lease, key, policy, background);
        lease.exactUntil = at + ttlMs;
        lease.expiresAt = lease.exactUntil;
      }
    } finally {
      lease.renewing = false;
      // A renewal that failed (the store unreachable) made the pending expiry stand down: arm it again, so
      // what the lease still holds goes back even if no call for the key comes here again.
      if (!granted && lease.tokens > 0) background(expire(lease, key, policy, lease.expiresAt));
    }
  }

  /**
   * Gives the lease's tokens back once it expires unrenewed, even if no call for the key comes to this isolate
   * again: stranded tokens return to the other isolates within `ttlMs`. Each grant starts one; a later grant
   * (which moved `expiresAt`) makes it stand down.
   */
  async function expire(lease: Lease, key: string, policy: BucketPolicy, expiresAt: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - now())));
    if (leases.get(key) !== lease || lease.renewing || lease.expiresAt !== expiresAt) return;
    leases.delete(key);
    const tokens = lease.tokens;
    lease.tokens = 0;
    if (tokens > 0) await store.take(key, -tokens, policy, { force: true });
  }

  /**
   * One token straight from the store. When the store refuses it, a lease this isolate got meanwhile (a renewal
   * that left before this call) may still hold tokens: they are used rather than left to expire, so a burst on
   * one isolate admits exactly the bucket.
   */
  async function directOrHeld(
    key: string,
    policy: BucketPolicy,
    background: Background,
  ): Promise<TakeResult> {
    const result = await direct(key, policy);
    if (result.allowed) return result;
    const held = leases.get(key);
    return held && held.tokens >= 1 ? admit(held, key, policy, background, now()) : result;
  }

  /** Whether to start a background renewal now, so the lease never runs dry in a steady stream. */
  function due(lease: Lease, at: number): boolean {
    if (lease.renewing || lease.exactUntil > at) return false;
    // Observed over at least one round trip, so a single call right after a grant is not read as a burst.
    const perMs = lease.used / Math.max(1, lease.rttMs, at - lease.grantedAt);
    // "auto": a key whose calls no longer overlap a round trip lets its lease run out and expire, and goes
    // back to one store call per token.
    if (engageAt > 0 && perMs * Math.max(1, lease.rttMs) < 1) return false;
    const neededDuringRenewal = perMs * lease.rttMs * 1.5;
    const low = Math.max(lease.size * (1 - RENEW_WHEN_USED), neededDuringRenewal);
    return lease.tokens <= low || lease.expiresAt - at <= Math.max(2 * lease.rttMs, ttlMs / 5);
  }

  function admit(lease: Lease, key: string, policy: BucketPolicy, background: Background, at: number) {
    lease.tokens -= 1;
    lease.used += 1;
    if (due(lease, at)) background(renew(lease, key, policy, background));
    return { allowed: true, remaining: lease.tokens, retryAfterMs: 0 };
  }

  return {
    ttlMs,
    leasable: (policy) => sizeFor(policy) >= 1,
    async take(key, policy, background) {
      const at = now();
      let lease = leases.get(key);
      if (lease && !lease.renewing && lease.expiresAt <= at) {
        giveBack(lease, key, policy, background);
        leases.delete(key);
        lease = undefined;
      }
      if (lease && lease.tokens >= 1) return admit(lease, key, policy, background, at);
      if (lease && (lease.renewing || lease.exactUntil > at)) return directOrHeld(key, policy, background);
      // No token held and nothing in flight: this call takes the lease and waits for it (under "auto", only
      // while calls for the key pile up behind the store; an empty lease of a key that calmed down is dropped).
      const leaseSize = sizeFor(policy);
      if (leaseSize < 1 || (waiting.get(key) ?? 0) < engageAt) {
        if (lease) leases.delete(key);
        return directOrHeld(key, policy, background);
      }
      if (!lease) {
        lease = {
          size: leaseSize,
          tokens: 0,
          expiresAt: 0,
          exactUntil: 0,
          renewing: false,
          rttMs: 0,
          grantedAt: at,
          used: 0,
        };
        leases.set(key, lease);
      }
      await renew(lease, key, policy, background);
      if (lease.tokens >= 1) return admit(lease, key, policy, background, now());
      return directOrHeld(key, policy, background);
    },
  };
}
