/**
 * Model aliases ("fast", "smart"), routing by a client-declared task, and a retirement map. Only the
 * `model` field is rewritten (in place, every other byte kept), and the response says so in a header.
 */
import type { Middleware } from "../compose.js";
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../failures.js";
import { replaceTopLevelString } from "../util/json-splice.js";

export interface ModelRoutingOptions {
  /** e.g. { fast: "claude-haiku-4-5", smart: "claude-opus-4-1" }: a client may send the alias as its model. */
  aliases?: Record<string, string>;
  /** Routes by the `x-sluice-task` request header: { summarize: "gpt-4.1-mini" }. */
  tasks?: Record<string, string>;
  /** Retired model ids: rewrite to the successor with a warning, or refuse with a clear error. */
  retired?: Record<string, { successor: string; action?: "rewrite" | "refuse" }>;
}

export const ROUTED_HEADER = "x-sluice-model-route";
const TASK_HEADER = "x-sluice-task";
const encoder = new TextEncoder();

export function modelRouting({ aliases = {}, tasks = {}, retired = {} }: ModelRoutingOptions): Middleware {
  return async function routeModel(ctx, next) {
    if (ctx.endpoint.kind !== "json") return next();
    const task = ctx.request.headers.get(TASK_HEADER);
    let target: string | undefined;
    let reason = "";
    let warning: string | undefined;
    if (task && Object.hasOwn(tasks, task)) {
      target = tasks[task];
      reason = `task ${task}`;
    } else if (Object.hasOwn(aliases, ctx.model)) {
      target = aliases[ctx.model];
      reason = `alias ${ctx.model}`;
    }
    const retirement = Object.hasOwn(retired, target ?? ctx.model) ? retired[target ?? ctx.model] : undefined;
    if (retirement) {
      const old = target ?? ctx.model;
      if (retirement.action === "refuse") {
        throw new GatewayError(
          "not_found",
          `The model ${old} is retired; use ${retirement.successor} instead.`,
        );
      }
      target = retirement.successor;
      reason = reason ? `${reason}, retired ${old}` : `retired ${old}`;
      warning = `299 sluice "${old} is retired; this request was served by ${retirement.successor}"`;
    }
    if (!target || target === ctx.model) return next();
    rewriteModel(ctx, target);
    const response = await next();
    response.headers.set(ROUTED_HEADER, `${reason} -> ${target}`);
    if (warning) response.headers.set("warning", warning);
    return response;
  };
}

/** Points the request at another model: in the URL for Gemini, in the body's `model` field otherwise. */
export function rewriteModel(ctx: GatewayContext, model: string): void {
  const fromPath = /\/models\/([^/:]+):/.exec(ctx.upstreamPath);
  if (fromPath) {
    ctx.upstreamPath = ctx.upstreamPath.replace(
      `/models/${fromPath[1]}:`,
      `/models/${encodeURIComponent(model)}:`,
    );
  } else if (ctx.body) {
    const text = new TextDecoder().decode(ctx.body);
    const rewritten = replaceTopLevelString(text, "model", model);
    if (rewritten === undefined)
      throw new GatewayError("bad_request", "The request body has no top-level model field.");
    ctx.body = encoder.encode(rewritten);
  }
  ctx.model = model;
  const json = ctx.json as { model?: unknown } | undefined;
  if (json && typeof json === "object") json.model = model;
}
