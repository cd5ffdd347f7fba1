/**
 * Work that outlives a response (metrics, cache writes, usage counters) on a runtime without `waitUntil`
 * (Deno, Node): kept on the event loop and counted, so a shutdown can wait for it.
 */
import type { ExecutionContextLike } from "../context.js";

export interface BackgroundTasks extends ExecutionContextLike {
  /** Resolves when every task started so far, and any they started, has finished. */
  drain(): Promise<void>;
  /** Tasks still running. */
  readonly pending: number;
}

/**
 * @example
 * const background = backgroundTasks();
 * Deno.serve((request) => gateway.fetch(request, background));
 * Deno.addSignalListener("SIGTERM", () => background.drain().then(() => Deno.exit()));
 */
export function backgroundTasks(): BackgroundTasks {
  const running = new Set<Promise<unknown>>();
  return {
    waitUntil(promise) {
      // A failed task is the task's own business (sinks and stores log or swallow); it must not end drain().
      const tracked: Promise<unknown> = promise.catch(() => {}).finally(() => running.delete(tracked));
      running.add(tracked);
    },
    async drain() {
      while (running.size > 0) await Promise.all([...running]);
    },
    get pending() {
      return running.size;
    },
  };
}
