/**
 * What a finished call is charged against its budget. The rule: refund fully only when nothing reached
 * the client; charge the provider's final count when it was read; otherwise (a disconnect before the last
 * event, an upstream reset or stall, a stream that carries no usage) charge no less than the reservation,
 * with the input corrected to what the provider reported, since the provider may bill up to input + cap.
 */
import type { TapResult } from "../stream/tap.js";
import type { Usage } from "../stream/usage.js";

/** Tokens a call is charged for its observed usage. */
export function billedTokens(usage: Usage, cacheReadWeight = 1): number {
  return (
    usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens * cacheReadWeight
  );
}

export interface Reserved {
  /** Tokens taken before the call (input estimate or count, plus the output cap). */
  tokens: number;
  /** The output part of it: the request's cap, or the default for a request without one. */
  output: number;
}

/**
 * The tokens to charge for a call that got a response with `status` and body result `done`.
 * Never less than the usage the provider reported; never 0 once a successful body reached the client.
 */
export function chargeFor(done: TapResult, status: number, reserved: Reserved, cacheReadWeight = 1): number {
  const observed = billedTokens(done.usage, cacheReadWeight);
  // An error answer or an empty body is not content: the provider bills what it reported, usually nothing.
  if (status >= 400 || done.bytes === 0 || done.usage.complete) return observed;
  const input = observed - done.usage.outputTokens;
  return Math.max(reserved.tokens, observed, input + reserved.output);
}
