/** createHandler in-process: settings from an env, and background work kept until drain(). */
import type { MetricPoint } from "@sluice/core";
import { createHandler } from "../../src/index.ts";
import { assert, assertEquals } from "./assert.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const envOf = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

Deno.test({
  name: "handler: metric writes outlive the response and drain() waits for them",
  ...opts,
  async fn() {
    const points: MetricPoint[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = createHandler({
      env: envOf({ SLUICE_KEYS: "sluice-handler-test-0001" }),
      metrics: {
        async record(point) {
          await gate;
          points.push(point);
        },
      },
    });
    const response = await handler(new Request("http://x/openai/v1/chat/completions", { method: "POST" }));
    assertEquals(response.status, 401, "no client key");
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assertEquals(handler.pending, 1, "the metric write is still running");
    assertEquals(points.length, 0, "nothing recorded yet");
    const drained = handler.drain();
    release();
    await drained;
    assertEquals(handler.pending, 0, "nothing left");
    assertEquals(points[0]?.status, 401, "the point was recorded before drain() resolved");
  },
});

/** A stand-in upstream through `upstream.fetch`: records each URL and answers an Anthropic message. */
function recordingUpstream() {
  const urls: string[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    urls.push(url);
    await new Response(init.body).arrayBuffer();
    return Response.json({
      id: "msg_env",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [{ type: "text", text: "hi" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 3, output_tokens: 2 },
    });
  };
  return { urls, fetch };
}

const message = (handler: (request: Request) => Promise<Response>, path = "/anthropic/v1/messages") =>
  handler(
    new Request(`http://x${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "sluice-handler-test-0002" },
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    }),
  );

Deno.test({
  name: "handler: an env base URL stays when code sets another option of the same provider; code's baseUrl wins",
  ...opts,
  async fn() {
    const upstream = recordingUpstream();
    const handler = createHandler({
      env: envOf({
        SLUICE_KEYS: "sluice-handler-test-0002",
        ANTHROPIC_API_KEY: "sk-ant-handler-test",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9/anthropic-from-env",
        OPENAI_API_KEY: "sk-openai-handler-test",
        OPENAI_BASE_URL: "http://127.0.0.1:9/openai-from-env",
      }),
      providers: { anthropic: { enabled: true }, openai: { baseUrl: "http://127.0.0.1:9/openai-from-code" } },
      upstream: { fetch: upstream.fetch, retry: { maxRetries: 0 } },
    });
    const response = await message(handler);
    assertEquals(response.status, 200, "answered by the stand-in");
    await response.body?.cancel();
    assertEquals(
      upstream.urls[0],
      "http://127.0.0.1:9/anthropic-from-env/v1/messages",
      "anthropic from the env",
    );
    const openai = await handler(
      new Request("http://x/openai/v1/models", {
        headers: { authorization: "Bearer sluice-handler-test-0002" },
      }),
    );
    await openai.body?.cancel();
    assertEquals(upstream.urls[1], "http://127.0.0.1:9/openai-from-code/models", "openai from the code");
    await handler.drain();
  },
});

Deno.test({
  name: "handler: SLUICE_RATE_LIMIT and SLUICE_CACHE_TTL from the env turn on the limit and the cache in KV",
  ...opts,
  async fn() {
    const kv = await Deno.openKv(":memory:");
    const upstream = recordingUpstream();
    const handler = createHandler({
      kv,
      env: envOf({
        SLUICE_KEYS: "sluice-handler-test-0002",
        ANTHROPIC_API_KEY: "sk-ant-handler-test",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
        SLUICE_RATE_LIMIT: "2/60s",
        SLUICE_CACHE_TTL: "30",
      }),
      upstream: { fetch: upstream.fetch },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await message(handler);
      statuses.push(response.status);
      await response.body?.cancel();
      await handler.drain();
    }
    assertEquals(statuses.join(), "200,200,429", "two calls a minute, then 429");
    assertEquals(upstream.urls.length, 1, "the second call was a cache hit");
    kv.close();
  },
});

Deno.test({
  name: "handler: a rate limit from the env without a store is refused at startup",
  ...opts,
  fn() {
    let message = "";
    try {
      createHandler({ env: envOf({ SLUICE_RATE_LIMIT: "5/60s" }) });
    } catch (error) {
      message = (error as Error).message;
    }
    assert(message.includes("stores.counters"), `expected a config error, got "${message}"`);
  },
});

const ADMIN_KEY = "sluice-handler-admin-0001";
const adminEnv = () =>
  envOf({
    SLUICE_KEYS: "sluice-handler-test-0002",
    SLUICE_ADMIN_KEY: ADMIN_KEY,
    ANTHROPIC_API_KEY: "sk-ant-handler-test",
    ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
  });
const createKey = (handler: (request: Request) => Promise<Response>) =>
  handler(
    new Request("http://x/_sluice/keys", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "handler test" }),
    }),
  );
const kvKeys = async (kv: Deno.Kv, prefix: Deno.KvKey) => {
  const keys: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix })) keys.push(entry.key);
  return keys;
};

Deno.test({
  name: "handler: with kv, managedKeys and usage are on by default: a key issued by the admin API works and is counted",
  ...opts,
  async fn() {
    const kv = await Deno.openKv(":memory:");
    const handler = createHandler({ kv, env: adminEnv(), upstream: { fetch: recordingUpstream().fetch } });
    const created = await createKey(handler);
    assertEquals(created.status, 201, "the admin API issues a key");
    const { key } = (await created.json()) as { key: string };
    const answer = await handler(
      new Request("http://x/anthropic/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 8,
          messages: [{ role: "user", content: "hi" }],
        }),
      }),
    );
    assertEquals(answer.status, 200, "the managed key is accepted");
    await answer.body?.cancel();
    await handler.drain();
    assert((await kvKeys(kv, ["sluice", "keys"])).length > 0, "the key record is in KV");
    assert((await kvKeys(kv, ["sluice", "usage"])).length > 0, "the call was counted in KV");
    kv.close();
  },
});

Deno.test({
  name: "handler: managedKeys: false and usage: false keep both out of KV even with kv",
  ...opts,
  async fn() {
    const kv = await Deno.openKv(":memory:");
    const upstream = recordingUpstream();
    const handler = createHandler({
      kv,
      env: adminEnv(),
      upstream: { fetch: upstream.fetch },
      managedKeys: false,
      usage: false,
    });
    const created = await createKey(handler);
    assert(created.status !== 201, `no key can be issued, got ${created.status}`);
    await created.body?.cancel();
    const answer = await message(handler);
    assertEquals(answer.status, 200, "SLUICE_KEYS still works");
    await answer.body?.cancel();
    await handler.drain();
    assertEquals((await kvKeys(kv, ["sluice", "keys"])).length, 0, "no key records");
    assertEquals((await kvKeys(kv, ["sluice", "usage"])).length, 0, "no usage rows");
    assertEquals(handler.housekeeping, undefined, "no usage store, nothing to keep");
    kv.close();
  },
});

Deno.test({
  name: "handler: managedKeys: { prefix } keeps the key records under that prefix",
  ...opts,
  async fn() {
    const kv = await Deno.openKv(":memory:");
    const handler = createHandler({ kv, env: adminEnv(), managedKeys: { prefix: ["team", "keys"] } });
    const created = await createKey(handler);
    assertEquals(created.status, 201, "issued");
    await created.body?.cancel();
    assert((await kvKeys(kv, ["team", "keys"])).length > 0, "under the given prefix");
    assertEquals((await kvKeys(kv, ["sluice", "keys"])).length, 0, "not under the default one");
    await handler.drain();
    kv.close();
  },
});

Deno.test({
  name: "handler: managedKeys: true or usage: true without kv is refused at startup, naming the fix",
  ...opts,
  fn() {
    for (const options of [{ managedKeys: true }, { managedKeys: { prefix: ["k"] } }, { usage: true }]) {
      let message = "";
      try {
        createHandler({ env: envOf({}), ...options });
      } catch (error) {
        message = (error as Error).message;
      }
      const option = Object.keys(options)[0];
      assert(
        message.includes(`\`${option}\` is on but there is no \`kv\``) && message.includes("Deno.openKv()"),
        `expected a config error for ${option}, got "${message}"`,
      );
    }
    // Without kv and without the options, both are simply off.
    assertEquals(createHandler({ env: envOf({}) }).housekeeping, undefined, "no usage store");
  },
});
