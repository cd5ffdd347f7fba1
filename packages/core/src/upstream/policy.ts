/**
 * A key's model policy (`allowedModels`, `allowedProviders`) applies to what is actually sent: the model
 * after aliases, task routing, retirement rewrites and your own middleware, and each fallback target.
 */
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../failures.js";
import type { ClientKeyRecord } from "../ports/keys.js";
import type { ProviderName } from "../providers/types.js";

/** Whether the key may send this model to this provider. */
export function mayUse(client: ClientKeyRecord | undefined, provider: ProviderName, model: string): boolean {
  if (!client) return true;
  if (client.allowedProviders && !client.allowedProviders.includes(provider)) return false;
  // Calls without a model (pass-through endpoints) are scoped by provider only.
  if (client.allowedModels && model && !client.allowedModels.includes(model)) return false;
  return true;
}

/** Refuses (403) a call whose primary model the key may not use; nothing is sent upstream. */
export function assertMayUse(ctx: GatewayContext): void {
  if (ctx.endpoint.kind !== "json" || mayUse(ctx.client, ctx.provider.name, ctx.model)) return;
  throw new GatewayError("forbidden", `This API key may not use the model "${ctx.model}".`);
}
