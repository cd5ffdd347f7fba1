/**
 * Prompt-cache affinity: requests that share a cacheable prefix go to the same key or target, so the
 * provider's prompt cache (scoped per organisation/key) stays warm; anything else is spread evenly.
 */
import { sha256Hex } from "../util/crypto.js";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether any block (system, tools or message content) carries a cache_control breakpoint. */
function hasBreakpoint(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasBreakpoint);
  if (!isObject(value)) return false;
  if ("cache_control" in value) return true;
  return hasBreakpoint(value.content);
}

/**
 * The part of an Anthropic request the provider caches: tools, system, and messages up to and including
 * the last one holding a `cache_control` breakpoint. Undefined when there is no breakpoint.
 */
export function cacheablePrefix(json: unknown): unknown[] | undefined {
  if (!isObject(json)) return undefined;
  const messages = Array.isArray(json.messages) ? json.messages : [];
  let last = -1;
  messages.forEach((m, i) => {
    if (hasBreakpoint(m)) last = i;
  });
  const head = [json.tools ?? null, json.system ?? null];
  if (last < 0 && !hasBreakpoint(json.tools) && !hasBreakpoint(json.system)) return undefined;
  return [...head, ...messages.slice(0, last + 1)];
}

/** Hex hash of the cacheable prefix, or undefined when the request declares none. */
export async function prefixHash(json: unknown): Promise<string | undefined> {
  const prefix = cacheablePrefix(json);
  return prefix ? sha256Hex(JSON.stringify(prefix)) : undefined;
}

let roundRobin = 0;

/** Index in a pool of `size`: by prefix hash when there is one, round-robin otherwise. */
export function pick(size: number, hash: string | undefined): number {
  if (size <= 1) return 0;
  if (hash) return Number.parseInt(hash.slice(0, 8), 16) % size;
  roundRobin = (roundRobin + 1) % size;
  return roundRobin;
}
