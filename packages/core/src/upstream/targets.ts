/**
 * The upstream targets one call may try, in order: the primary (with prompt-cache affinity across a key
 * pool), then the configured fallbacks: another model, another key, another base URL, or (opt-in, with
 * translation) another provider.
 */
import type { GatewayContext } from "../context.js";
import { PROVIDERS } from "../providers/index.js";
import type { ProviderName, ProviderSpec } from "../providers/types.js";
import { type Translation, translation, Untranslatable } from "../translate/index.js";
import { replaceTopLevelString } from "../util/json-splice.js";
import { pick, prefixHash } from "./affinity.js";
import { assertMayUse, mayUse } from "./policy.js";

export interface FallbackTarget {
  /** Default: the provider the client called. Another provider needs `translate: true`. */
  provider?: ProviderName;
  /** Default: the model the client asked for. */
  model?: string;
  /** Default: that provider's configured base URL. */
  baseUrl?: string;
  /** Secret holding the key to use (e.g. a second account's). Default: that provider's key. */
  keySecret?: string;
}

export interface Target {
  provider: ProviderSpec;
  /** Identity for the circuit breaker: provider, host and model. */
  id: string;
  url: string;
  model: string;
  body?: Uint8Array;
  /** Keys to try on this target in order: a 401 from one moves to the next (key rotation). */
  keys: string[];
  translation?: Translation;
  fallback: boolean;
}

const baseUrlOf = (ctx: GatewayContext, provider: ProviderSpec) =>
  (ctx.options.providers[provider.name]?.baseUrl ?? provider.defaultBaseUrl).replace(/\/$/, "");

async function secret(ctx: GatewayContext, name: string | undefined): Promise<string | undefined> {
  return name ? ((await ctx.options.secrets.get(name)) ?? undefined) : undefined;
}

function targetId(provider: ProviderSpec, url: string, model: string): string {
  return `${provider.name}:${new URL(url).host}:${model}`;
}

async function primary(ctx: GatewayContext): Promise<Target> {
  const { provider } = ctx;
  const url = baseUrlOf(ctx, provider) + ctx.upstreamPath + ctx.url.search;
  const keys = [ctx.providerKey!];
  if (!ctx.byok) {
    const pool = (await secret(ctx, ctx.options.providers[provider.name]?.keyPool))
      ?.split(",")
      .map((k) => k.trim())
      .filter(Boolean);
    if (pool && pool.length > 0) {
      // Requests sharing a cacheable prefix go to the same key: the provider's prompt cache is per account.
      const hash = provider.name === "anthropic" ? await prefixHash(ctx.json) : undefined;
      keys[0] = pool[pick(pool.length, hash)]!;
    }
    const secondary = await secret(ctx, provider.keySecrets[1]);
    if (secondary && secondary !== keys[0]) keys.push(secondary);
  }
  return {
    provider,
    id: targetId(provider, url, ctx.model),
    url,
    model: ctx.model,
    body: ctx.body,
    keys,
    fallback: false,
  };
}

async function fallback(ctx: GatewayContext, spec: FallbackTarget): Promise<Target | undefined> {
  const provider = spec.provider ? PROVIDERS[spec.provider] : ctx.provider;
  const model = spec.model ?? ctx.model;
  const base = (spec.baseUrl ?? baseUrlOf(ctx, provider)).replace(/\/$/, "");
  const key = spec.keySecret
    ? await secret(ctx, spec.keySecret)
    : ctx.byok
      ? ctx.providerKey
      : await secret(ctx, provider.keySecrets[0]);
  if (!key || (ctx.byok && provider !== ctx.provider)) return undefined;
  if (provider === ctx.provider) {
    let path = ctx.upstreamPath;
    let body = ctx.body;
    if (model !== ctx.model) {
      const routed = /\/models\/([^/:]+):/.exec(path);
      if (routed) path = path.replace(`/models/${routed[1]}:`, `/models/${encodeURIComponent(model)}:`);
      else if (body) {
        const text = replaceTopLevelString(new TextDecoder().decode(body), "model", model);
        if (text === undefined) return undefined;
        body = new TextEncoder().encode(text);
      }
    }
    const url = base + path + ctx.url.search;
    return { provider, id: targetId(provider, url, model), url, model, body, keys: [key], fallback: true };
  }
  // The client's chat format and the target's, each from its provider file.
  const from = ctx.endpoint.chat;
  const to = provider.endpoints.find((e) => e.chat)?.chat;
  const path = provider.chatPath;
  if (!ctx.options.translate || !from || !to || !path || typeof ctx.json !== "object" || !ctx.json)
    return undefined;
  try {
    const plan = translation(from, to, ctx.json as Record<string, unknown>, model, ctx.model);
    const url = base + path;
    return {
      provider,
      id: targetId(provider, url, model),
      url,
      model,
      body: plan.body,
      keys: [key],
      translation: plan,
      fallback: true,
    };
  } catch (error) {
    if (error instanceof Untranslatable) return undefined;
    throw error;
  }
}

/** The primary, then each fallback the key may use (one it may not is skipped, never sent). */
export async function planTargets(ctx: GatewayContext): Promise<Target[]> {
  assertMayUse(ctx);
  const targets = [await primary(ctx)];
  const { fallbacks } = ctx.options;
  const specs = fallbacks[ctx.model] ?? fallbacks[ctx.route] ?? fallbacks["*"] ?? [];
  for (const spec of specs) {
    const target = await fallback(ctx, spec);
    if (target && mayUse(ctx.client, target.provider.name, target.model)) targets.push(target);
  }
  return targets;
}
