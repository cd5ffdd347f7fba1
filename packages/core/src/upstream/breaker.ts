/**
 * A circuit breaker per upstream target, kept in the rate-limit store so every isolate shares it where the
 * store is strongly consistent. It is a leaky bucket of failures: each overload takes a token; the circuit
 * is open while the bucket is empty, half-open as soon as a token leaks back (calls probe again), and one
 * success gives a token back. This isolate remembers "open until T" to skip the store while open.
 */
import type { BucketPolicy, RateLimitStore } from "../ports/rate-limit.js";

export interface CircuitBreakerOptions {
  /** Overloads within `windowSeconds` that open the circuit. Default 5. */
  threshold?: number;
  /** Default 30: the circuit half-opens windowSeconds / threshold seconds after it opened. */
  windowSeconds?: number;
}

export class CircuitBreaker {
  private readonly policy: BucketPolicy;
  private readonly openUntil = new Map<string, number>();

  constructor(
    private readonly store: RateLimitStore,
    { threshold = 5, windowSeconds = 30 }: CircuitBreakerOptions = {},
  ) {
    this.policy = {
      capacity: threshold,
      refillPerSecond: threshold / windowSeconds,
      ttlSeconds: windowSeconds,
    };
  }

  /** Milliseconds until the circuit for `target` half-opens; 0 when calls may go through. */
  async openFor(target: string): Promise<number> {
    const now = Date.now();
    const until = this.openUntil.get(target);
    if (until !== undefined && until > now) return until - now;
    const state = await this.store.take(`cb:${target}`, 0, this.policy);
    if (state.remaining >= 1) {
      this.openUntil.delete(target);
      return 0;
    }
    const wait = Math.ceil(((1 - state.remaining) / this.policy.refillPerSecond) * 1000);
    this.openUntil.set(target, now + wait);
    return wait;
  }

  async failure(target: string): Promise<void> {
    await this.store.take(`cb:${target}`, 1, this.policy);
  }

  async success(target: string): Promise<void> {
    await this.store.take(`cb:${target}`, -1, this.policy, { force: true });
  }
}
