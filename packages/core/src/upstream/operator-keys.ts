/** Every provider key a call may have used, so none of them reaches the client whatever the upstream echoes. */
import type { GatewayContext } from "../context.js";
import { PROVIDERS } from "../providers/index.js";
import type { ProviderSpec } from "../providers/types.js";
import type { Target } from "./targets.js";

/**
 * The target's keys, the call's key, and every configured key of the providers the call may reach: primary,
 * secondary, the key pool and the fallbacks' key secrets. Read on error and pass-through answers only.
 */
export async function operatorKeys(ctx: GatewayContext, target?: Target): Promise<string[]> {
  const { secrets, providers, fallbacks } = ctx.options;
  const names = new Set<string>();
  const specs = new Set<ProviderSpec>([ctx.provider]);
  if (target) specs.add(target.provider);
  for (const list of Object.values(fallbacks)) {
    for (const spec of list) {
      if (spec.keySecret) names.add(spec.keySecret);
      if (spec.provider) specs.add(PROVIDERS[spec.provider]);
    }
  }
  for (const spec of specs) {
    for (const name of spec.keySecrets) names.add(name);
    const pool = providers[spec.name]?.keyPool;
    if (pool) names.add(pool);
  }
  const values = await Promise.all(
    [...names].map((name) => Promise.resolve(secrets.get(name)).catch(() => null)),
  );
  const keys = [ctx.providerKey, ...(target?.keys ?? [])];
  for (const value of values) if (value) keys.push(...value.split(",").map((k) => k.trim()));
  return keys.filter((k): k is string => !!k);
}
