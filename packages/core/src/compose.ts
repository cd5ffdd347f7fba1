import type { GatewayContext } from "./context.js";

export type Next = () => Promise<Response>;
/** Policy is middleware: it may answer itself, or call `next()` and look at (or replace) the response. */
export type Middleware<C = GatewayContext> = (ctx: C, next: Next) => Promise<Response>;
export type Handler<C = GatewayContext> = (ctx: C) => Promise<Response>;

/** Runs `middleware` in order around `handler`, Koa-style. */
export function compose<C>(middleware: readonly Middleware<C>[], handler: Handler<C>): Handler<C> {
  return function run(ctx) {
    let last = -1;
    function dispatch(i: number): Promise<Response> {
      if (i <= last) return Promise.reject(new Error("next() was called more than once by one middleware."));
      last = i;
      const fn = middleware[i];
      return fn ? fn(ctx, () => dispatch(i + 1)) : handler(ctx);
    }
    return dispatch(0);
  };
}
