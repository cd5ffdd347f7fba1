/**
 * Stand-in for `fastly:edge-rate-limiter`: one exact counter per name and entry (like a single POP whose
 * counters have converged), with the argument checks Fastly documents. It cannot show how real ERL
 * drifts between POPs; tests that need that property cannot be run here.
 */
import type * as Fastly from "fastly:edge-rate-limiter";
import { fastlyState } from "./state.js";

type Window = 1 | 10 | 60;
type Duration = 10 | 20 | 30 | 40 | 50 | 60;

const counters = new Map<string, { at: number; delta: number }[]>();
const penalties = new Map<string, number>();

export class RateCounter implements Fastly.RateCounter {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  increment(entry: string, delta: number): void {
    if (!Number.isFinite(delta) || delta < 0)
      throw new TypeError("RateCounter.increment: delta must be a non-negative finite number");
    const key = `${this.#name}\n${entry}`;
    const events = counters.get(key) ?? [];
    events.push({ at: fastlyState.now(), delta });
    counters.set(key, events);
  }
  lookupRate(entry: string, window: Window): number {
    if (![1, 10, 60].includes(window))
      throw new TypeError("RateCounter.lookupRate: window must be 1, 10 or 60");
    return this.#sum(entry, window) / window;
  }
  lookupCount(entry: string, duration: Duration): number {
    if (![10, 20, 30, 40, 50, 60].includes(duration))
      throw new TypeError("RateCounter.lookupCount: duration must be 10, 20, 30, 40, 50 or 60");
    return this.#sum(entry, duration);
  }
  #sum(entry: string, seconds: number): number {
    const since = fastlyState.now() - seconds * 1000;
    let total = 0;
    for (const event of counters.get(`${this.#name}\n${entry}`) ?? [])
      if (event.at > since) total += event.delta;
    return total;
  }
}

export class PenaltyBox implements Fastly.PenaltyBox {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  add(entry: string, timeToLive: number): void {
    if (!(timeToLive >= 1 && timeToLive <= 60))
      throw new TypeError("PenaltyBox.add: timeToLive must be a number of minutes between 1 and 60");
    penalties.set(`${this.#name}\n${entry}`, fastlyState.now() + Math.trunc(timeToLive) * 60_000);
  }
  has(entry: string): boolean {
    return (penalties.get(`${this.#name}\n${entry}`) ?? 0) > fastlyState.now();
  }
}

export class EdgeRateLimiter implements Fastly.EdgeRateLimiter {
  readonly #counter: RateCounter;
  readonly #box: PenaltyBox;
  constructor(rateCounter: RateCounter, penaltyBox: PenaltyBox) {
    if (!(rateCounter instanceof RateCounter) || !(penaltyBox instanceof PenaltyBox))
      throw new TypeError("EdgeRateLimiter: expected a RateCounter and a PenaltyBox");
    this.#counter = rateCounter;
    this.#box = penaltyBox;
  }
  checkRate(entry: string, delta: number, window: Window, limit: number, timeToLive: number): boolean {
    if (this.#box.has(entry)) return true;
    this.#counter.increment(entry, delta);
    if (this.#counter.lookupRate(entry, window) > limit) {
      this.#box.add(entry, timeToLive);
      return true;
    }
    return false;
  }
}
