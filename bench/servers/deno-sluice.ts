// Sluice on Deno as a user deploys it: `createHandler` from @sluice/deno with the rate limit in Deno KV
// (in memory here) and metrics to a no-op sink: auth + rate limit + metrics, like the other "basic" targets.
import { createHandler } from "../../packages/deno/src/index.ts";

const settings: Record<string, string | undefined> = {
  ANTHROPIC_API_KEY: Deno.env.get("PROVIDER_KEY"),
  ANTHROPIC_BASE_URL: Deno.env.get("UPSTREAM_ANTHROPIC"),
  SLUICE_KEYS: Deno.env.get("CLIENT_KEY"),
  SLUICE_RATE_LIMIT: "1000000000/60s",
};
const env = { get: (name: string) => settings[name] };
const handler = createHandler({
  env,
  secrets: env,
  kv: await Deno.openKv(":memory:"),
  managedKeys: false,
  usage: false,
  metrics: { record() {} },
});

Deno.serve(
  { port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", onListen: () => console.log("ready") },
  handler,
);
