// Benchmark only: counts the provider calls and the rate limiter's Durable Object calls (store takes), so the
// bench can report round trips per request (`GET /_bench/takes`). Leasing is meant to make most calls skip
// the object; this shows how many did not.
type Namespace = {
  idFromName(name: string): unknown;
  get(id: unknown): { take(...args: unknown[]): Promise<unknown> };
};

export const takeStats = { calls: 0, takes: 0 };
const counted = new WeakMap<object, Record<string, unknown>>();

/** The same env with every take on RATE_LIMITER counted; memoized, so createWorker's per-env state is built once. */
export function countedEnv(env: Record<string, unknown>): Record<string, unknown> {
  let out = counted.get(env);
  if (!out) {
    const ns = env.RATE_LIMITER as Namespace;
    const counting: Namespace = {
      idFromName: (name) => ns.idFromName(name),
      get(id) {
        const stub = ns.get(id);
        return {
          take(...args) {
            takeStats.takes++;
            return stub.take(...args);
          },
        };
      },
    };
    out = { ...env, RATE_LIMITER: counting };
    counted.set(env, out);
  }
  return out;
}
