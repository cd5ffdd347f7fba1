/**
 * Fastly's runtime (js-compute 3.46) has no AbortController or AbortSignal, and its Request has no
 * `signal`; core uses both for timeouts and client aborts. This fills the gap with the small subset
 * core uses, and only where the runtime lacks it.
 */

type Listener = () => void;

/** The part of AbortSignal that core and the backend fetch use. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: Listener, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: Listener): void;
}

export class SluiceAbortSignal implements AbortSignalLike {
  #aborted = false;
  #reason: unknown = undefined;
  #listeners = new Set<Listener>();
  onabort: Listener | null = null;

  get aborted(): boolean {
    return this.#aborted;
  }
  get reason(): unknown {
    return this.#reason;
  }
  addEventListener(type: string, listener: Listener, _options?: { once?: boolean }): void {
    // Every abort listener runs at most once anyway: a signal aborts only once.
    if (type === "abort") this.#listeners.add(listener);
  }
  removeEventListener(type: string, listener: Listener): void {
    if (type === "abort") this.#listeners.delete(listener);
  }
  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }
  /** @internal Called by the controller. */
  _abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? abortError() : reason;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of [this.onabort, ...listeners]) {
      try {
        listener?.call(this);
      } catch {
        // One failing listener must not keep the others from hearing about the abort.
      }
    }
  }
}

export class SluiceAbortController {
  readonly signal = new SluiceAbortSignal();
  abort(reason?: unknown): void {
    this.signal._abort(reason);
  }
}

function abortError(): Error {
  const error = new Error("This operation was aborted");
  error.name = "AbortError";
  return error;
}

/** Installs the polyfill on `globalThis` when the runtime has no AbortController. Returns whether it did. */
export function ensureAbortController(global: Record<string, unknown> = globalThis as never): boolean {
  if (typeof global.AbortController === "function") return false;
  global.AbortController = SluiceAbortController;
  global.AbortSignal = SluiceAbortSignal;
  return true;
}

/**
 * Gives a request a `signal` when the runtime's Request has none (Fastly's does not; it never learns that
 * the client went away, so this signal never aborts).
 */
export function ensureRequestSignal<R extends object>(request: R): R {
  if ((request as { signal?: unknown }).signal === undefined) {
    const AC = (globalThis as unknown as { AbortController: new () => { signal: unknown } }).AbortController;
    Object.defineProperty(request, "signal", { value: new AC().signal, configurable: true });
  }
  return request;
}
