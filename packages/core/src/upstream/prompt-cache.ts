/**
 * Prompt-cache telemetry: flags a likely silent miss, a request whose cacheable prefix this isolate saw
 * recently (so the provider should have it cached) that nevertheless read nothing from the cache. That is
 * usually serialization drift upstream of Sluice (a reordered key, a timestamp in the system prompt).
 */
import type { GatewayContext } from "../context.js";
import { sha256Hex } from "../util/crypto.js";
import { cacheablePrefix } from "./affinity.js";

/** Anthropic's default cache lifetime: a prefix seen longer ago than this may honestly have expired. */
const CACHE_LIFETIME_MS = 5 * 60 * 1000;
const REMEMBERED = 2_000;
const seen = new Map<string, number>();

export function watchPromptCache(ctx: GatewayContext): void {
  if (ctx.provider.name !== "anthropic" || !ctx.body || !ctx.json) return;
  // Most calls declare no cache breakpoint: leave their completion alone, off the hot path.
  const prefix = cacheablePrefix(ctx.json);
  if (!prefix) return;
  const completion = ctx.completion;
  ctx.completion = (async () => {
    const [result, hash] = await Promise.all([completion, sha256Hex(JSON.stringify(prefix))]);
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
  })();
}
