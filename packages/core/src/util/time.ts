/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** Parses "60/60s", "1000/1h", "10/1m" or "5/10" (seconds) into a limit per window. */
export function parseRate(spec: string): { limit: number; windowSeconds: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)?\s*(ms|s|m|h|d)?\s*$/.exec(spec);
  if (!match)
    throw new Error(`Invalid rate "${spec}": write it as <requests>/<window>, e.g. "60/60s" or "1000/1h".`);
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  const windowSeconds = Number(match[2] ?? 1) * (units[match[3] ?? "s"] ?? 1);
  const limit = Number(match[1]);
  if (limit <= 0 || windowSeconds <= 0)
    throw new Error(`Invalid rate "${spec}": both numbers must be positive.`);
  return { limit, windowSeconds };
}
