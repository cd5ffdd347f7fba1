// Benchmark only: counts the rate limiter's Durable Object calls (takes) inside the object, so the Worker's
// request path is the same for every target. The object runs in the Worker's isolate in standalone workerd,
// so the count is read from here (`GET /_bench/takes`); the bench divides it by wrk's request count.
import type { BucketPolicy, TakeOptions } from "@sluice/core";
import { SluiceRateLimiter as Limiter } from "@sluice/cloudflare";

export const takeStats = { takes: 0 };

export class SluiceRateLimiter extends Limiter {
  override take(key: string, cost: number, policy: BucketPolicy, options?: TakeOptions) {
    takeStats.takes++;
    return super.take(key, cost, policy, options);
  }
}
