/**
 * Prompt-cache telemetry: flags a likely silent miss, a request whose cacheable prefix this isolate saw
 * recently (so the provider should have it cached) that nevertheless read nothing from the cache. That is
 * usually serialization drift upstream of Sluice (a reordered key, a timestamp in the system prompt).
 */
import type { Middleware } from "../compose.js";
import type { TapResult } from "../stream/tap.js";
import { cacheablePrefix } from "../upstream/affinity.js";
import { sha256Hex } from "../util/crypto.js";

/** Anthropic's default cache lifetime: a prefix seen longer ago than this may honestly have expired. */
const CACHE_LIFETIME_MS = 5 * 60 * 1000;
const REMEMBERED = 2_000;
/** Per isolate, shared by every gateway in it, as the provider's cache is. */
const seen = new Map<string, number>();

/**
 * Names a silent miss `prompt_cache_miss` in the call's completion, for metrics and the usage counters.
 * Sits last in the chain, right before the upstream, so every middleware above reads the checked completion.
 */
export function promptCacheTelemetry(): Middleware {
  return async function promptCache(ctx, next) {
    const response = await next();
    // Only an upstream answer says anything about the provider's cache (not an error Sluice wrote itself).
    if (!ctx.answered || ctx.provider.name !== "anthropic" || !ctx.body || !ctx.json) return response;
    // Most calls declare no cache breakpoint: leave their completion alone, off the hot path.
    const prefix = cacheablePrefix(ctx.json);
    if (prefix) ctx.completion = checked(ctx.completion, sha256Hex(JSON.stringify(prefix)));
    return response;
  };
}

async function checked(completion: Promise<TapResult>, hashing: Promise<string>): Promise<TapResult> {
  const [result, hash] = await Promise.all([completion, hashing]);
  if (result.failure) return result;
  const now = Date.now();
  const before = seen.get(hash);
  if (seen.size >= REMEMBERED) seen.delete(seen.keys().next().value!);
  seen.delete(hash);
  seen.set(hash, now);
  const expected = before !== undefined && now - before < CACHE_LIFETIME_MS;
  if (expected && result.usage.cacheReadTokens === 0 && result.bytes > 0) {
    return { ...result, failure: "prompt_cache_miss" as const };
  }
  return result;
}
