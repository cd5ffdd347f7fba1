/** The packages/deno README's Usage snippet (readme/main.ts, kept equal by scripts/check-snippets.mjs) as
 * written: configured only through the environment, proxying to a stand-in Anthropic served by Deno itself. */
const REPLY = "Hello from the stand-in.";
const upstream = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
  const ok = request.headers.get("x-api-key") === "sk-ant-readme-upstream";
  const path = new URL(request.url).pathname;
  await request.body?.cancel();
  if (!ok || path !== "/v1/messages") return Response.json({ type: "error" }, { status: ok ? 404 : 401 });
  return Response.json({
    id: "msg_readme",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-6",
    content: [{ type: "text", text: REPLY }],
    stop_reason: "end_turn",
    usage: { input_tokens: 3, output_tokens: 5 },
  });
});
Deno.env.set("ANTHROPIC_API_KEY", "sk-ant-readme-upstream");
Deno.env.set("ANTHROPIC_BASE_URL", `http://127.0.0.1:${upstream.addr.port}`);
Deno.env.set("SLUICE_KEYS", "sk-readme-client");
const { default: app } = await import("./readme/main.ts");

const opts = { sanitizeOps: false, sanitizeResources: false };
const info = {} as Deno.ServeHandlerInfo<Deno.NetAddr>;
const message = (key?: string) =>
  app.fetch(
    new Request("http://localhost/anthropic/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) },
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    }),
    info,
  );

Deno.test({
  name: "README snippet: proxies with the provider key from Deno.env to ANTHROPIC_BASE_URL",
  ...opts,
  async fn() {
    const response = await message("sk-readme-client");
    const body = await response.json();
    if (response.status !== 200 || body.content?.[0]?.text !== REPLY) {
      throw new Error(`expected the stand-in's reply, got ${response.status} ${JSON.stringify(body)}`);
    }
  },
});

Deno.test({
  name: "README snippet: a call without a client key is a 401 in Anthropic's shape",
  ...opts,
  async fn() {
    const response = await message();
    const body = await response.json();
    if (response.status !== 401 || body.type !== "error") throw new Error(`got ${response.status}`);
    await upstream.shutdown();
  },
});
