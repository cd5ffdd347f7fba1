import type { Middleware } from "../compose.js";
import { GatewayError } from "../failures.js";
import { responseForThrown } from "../respond.js";

/** Turns whatever a later middleware throws into a JSON error in the provider's shape, and names it. */
export const recover: Middleware = async function recover(ctx, next) {
  try {
    return await next();
  } catch (error) {
    ctx.failure = error instanceof GatewayError ? error.failure : "internal_error";
    return responseForThrown(ctx.provider, error);
  }
};
