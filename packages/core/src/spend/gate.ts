/**
 * The single-flight gate: per budgeted key, at most one call whose size cannot be known before it runs
 * (input hidden behind references with no provider count, or no output cap) is in flight at once. That is
 * what bounds a budget's overspend by the largest single call in flight. The gate is a capacity-1 bucket
 * in the strongly consistent rate-limit store; it refills by itself after `healSeconds`, so a release lost
 * with a crashed isolate blocks the key's open-ended calls for that long at most.
 */
import { GatewayError } from "../failures.js";
import type { BucketPolicy, RateLimitStore } from "../ports/rate-limit.js";
import { sleep } from "../util/time.js";

export interface GateOptions {
  /** How long a call waits for the gate before a 429. */
  waitMs: number;
  /** A gate not released within this long reopens by itself. */
  healSeconds: number;
}

/** Enters the key's gate, waiting for it, and returns its release; throws a 429 when the wait runs out. */
export async function enterGate(
  store: RateLimitStore,
  keyId: string,
  options: GateOptions,
  signal?: AbortSignal,
): Promise<() => Promise<void>> {
  const key = `budget-gate:${keyId}`;
  const policy: BucketPolicy = {
    capacity: 1,
    refillPerSecond: 1 / options.healSeconds,
    ttlSeconds: options.healSeconds,
  };
  const until = Date.now() + options.waitMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 1000)) {
    const taken = await store.take(key, 1, policy);
    if (taken.allowed) {
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await store.take(key, -1, policy, { force: true }).catch(() => {});
      };
    }
    if (Date.now() + delay > until) break;
    try {
      await sleep(delay, signal);
    } catch {
      throw new GatewayError("client_abort", "The client went away.");
    }
  }
  throw new GatewayError(
    "rate_limited",
    "This key has a token budget, and another of its calls whose size cannot be known in advance is still " +
      "running; such calls run one at a time per key. Retry shortly, or set a max output (max_tokens) and " +
      "send inline text instead of file or URL references so the call can be reserved up front.",
    { headers: { "retry-after": "1" } },
  );
}
