/**
 * Core defects this suite found, reported to the core owner. Their cases still run and must fail exactly as
 * described: when core is fixed, the case passes, the check below fails, and the entry must be removed.
 */
import type { FaultMode } from "./faults.js";
import type { RouteCase } from "./routes.js";

export interface KnownDefect {
  id: string;
  summary: string;
  applies(route: RouteCase, fault: FaultMode): boolean;
  /** Every problem of an affected case must match this (so a new, different problem still fails). */
  symptom: RegExp;
}

/**
 * Empty now: D1–D4, found by this suite, were fixed in core (metric/header agreement on streamed error
 * answers; JSON-array streams ending well-formed on a reset or a stall; the headers timer no longer firing
 * while an Anthropic preamble is held). docs/reliability.md keeps their history.
 */
export const KNOWN_DEFECTS: KnownDefect[] = [];

export function defectFor(route: RouteCase, fault: FaultMode): KnownDefect | undefined {
  return KNOWN_DEFECTS.find((d) => d.applies(route, fault));
}
