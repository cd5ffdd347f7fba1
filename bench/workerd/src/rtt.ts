// Benchmark only: the round trip to a key's Durable Object from another region, simulated. In production a
// key's object lives in one place and a call from another continent pays 50–150 ms on every request the
// limiter sends there; here the object is in the same process. BENCH_RTT_MS=N delays every RPC to the rate
// limiter's namespace by N ms (half on the way there, half on the way back), and counts the provider calls
// whose handler took at least N ms: those waited on a round trip (a call that did not can only take that
// long if the upstream did, so the count errs towards "waited").
type Namespace = {
  idFromName(name: string): unknown;
  get(id: unknown): { take(...args: unknown[]): Promise<unknown> };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wrapped = new WeakMap<object, Record<string, unknown>>();

/** The same env with RATE_LIMITER `ms` away; memoized, so createWorker's per-env state is built once. */
export function distantEnv(env: Record<string, unknown>, ms: number): Record<string, unknown> {
  let out = wrapped.get(env);
  if (!out) {
    const ns = env.RATE_LIMITER as Namespace;
    const distant: Namespace = {
      idFromName: (name) => ns.idFromName(name),
      get(id) {
        const stub = ns.get(id);
        return {
          async take(...args) {
            await sleep(ms / 2);
            const result = await stub.take(...args);
            await sleep(ms / 2);
            return result;
          },
        };
      },
    };
    out = { ...env, RATE_LIMITER: distant };
    wrapped.set(env, out);
  }
  return out;
}

/** Provider calls seen, and how many took at least the simulated round trip. Read and reset by the bench. */
export const rttStats = { calls: 0, waited: 0 };

export async function timed(ms: number, handle: () => Promise<Response>): Promise<Response> {
  const started = Date.now();
  const response = await handle();
  rttStats.calls++;
  if (Date.now() - started >= ms) rttStats.waited++;
  return response;
}
