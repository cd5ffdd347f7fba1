// One of the two auxiliary Workers of lease-isolates.test.ts: a user's entry module with token leasing set
// explicitly, and (for calls with `x-test-config: default`) the same with no gateway options at all.
// Each is its own Worker service, so its own isolate with its own leases; both reach the same SluiceRateLimiter
// namespace (defined by "isolate-a", bound by "isolate-b" through its script name). Bundled by
// isolates-setup.ts with `wrangler deploy --dry-run`, as a deploy would.
import { keyIdFromHash, sha256Hex } from "@sluice/core";
import { createWorker, type SluiceRateLimiter } from "../../src/index.js";

export { SluiceRateLimiter } from "../../src/index.js";

/** Drawn once per isolate (on its first request: no random values at startup): two values, two isolates. */
let isolate: string | undefined;
/** Calls in flight in this isolate, and the most seen at once: how concurrent the test's burst really was. */
let inFlight = 0;
let peak = 0;

interface Env {
  RATE_LIMITER: DurableObjectNamespace<SluiceRateLimiter>;
  LEASE_SIZE: string;
  LEASE_TTL_MS: string;
}

const worker = createWorker<Env>({
  gateway: (env) => ({
    limits: { lease: { size: Number(env.LEASE_SIZE), ttlMs: Number(env.LEASE_TTL_MS) } },
  }),
});
const defaults = createWorker<Env>();

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/_test/isolate") {
      isolate ??= crypto.randomUUID();
      return Response.json({ isolate, peak });
    }
    // A client key's rate-limit bucket as the Durable Object holds it (a read: cost 0), with the policy the
    // gateway uses for SLUICE_RATE_LIMIT "<capacity>/86400s": a read with another policy would also reset
    // when the object forgets the bucket (its alarm follows the last take's policy).
    if (url.pathname === "/_test/bucket") {
      const key = `rl:${keyIdFromHash(await sha256Hex(url.searchParams.get("client") ?? ""))}`;
      const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
      const capacity = Number(url.searchParams.get("capacity"));
      const policy = { capacity, refillPerSecond: capacity / 86_400, ttlSeconds: 86_400 };
      return Response.json(await stub.take(key, 0, policy));
    }
    peak = Math.max(peak, ++inFlight);
    try {
      const chosen = request.headers.get("x-test-config") === "default" ? defaults : worker;
      return await chosen.fetch(request, env, ctx);
    } finally {
      inFlight--;
    }
  },
};
