/** Smoke test of the deployable entry point, in-process: `deno task test`. The full end-to-end suite (SDKs,
 * fake upstream, `deno serve`) lives in packages/deno/test/e2e and runs this same main.ts. */
Deno.env.set("SLUICE_KV_PATH", ":memory:");
Deno.env.set("SLUICE_KEYS", "sluice-example-smoke-0001");
const { default: app } = await import("./main.ts");

const opts = { sanitizeOps: false, sanitizeResources: false };
const info = {} as Deno.ServeHandlerInfo<Deno.NetAddr>;

Deno.test({
  name: "healthz answers ok",
  ...opts,
  async fn() {
    const response = await app.fetch(new Request("http://localhost/healthz"), info);
    const body = await response.json();
    if (response.status !== 200 || body.status !== "ok") throw new Error(`healthz: ${response.status}`);
  },
});

Deno.test({
  name: "a call without a client key gets a JSON error in Anthropic's shape",
  ...opts,
  async fn() {
    const response = await app.fetch(
      new Request("http://localhost/anthropic/v1/messages", { method: "POST", body: "{}" }),
      info,
    );
    const body = await response.json();
    if (response.status !== 401 || body.type !== "error") {
      throw new Error(`expected a 401 error object, got ${response.status} ${JSON.stringify(body)}`);
    }
  },
});
