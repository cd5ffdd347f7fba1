/** createHandler in-process: settings from an env, and background work kept until drain(). */
import type { MetricPoint } from "@sluice/core";
import { createHandler, optionsFromEnv } from "../../src/index.ts";
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

Deno.test({
  name: "handler: shared env names set base URLs, the rate limit and the cache TTL",
  ...opts,
  fn() {
    const options = optionsFromEnv(
      envOf({
        ANTHROPIC_BASE_URL: "http://127.0.0.1:1/anthropic",
        GROQ_BASE_URL: "http://127.0.0.1:1/groq",
        SLUICE_RATE_LIMIT: "5/60s",
        SLUICE_CACHE_TTL: "30",
      }),
    );
    assertEquals(options.providers?.anthropic?.baseUrl, "http://127.0.0.1:1/anthropic", "anthropic");
    assertEquals(options.providers?.groq?.baseUrl, "http://127.0.0.1:1/groq", "groq");
    assertEquals(options.providers?.openai, undefined, "unset stays default");
    assertEquals(options.rate, "5/60s", "rate limit");
    assertEquals(options.cacheTtlSeconds, 30, "cache ttl");
    assertEquals(optionsFromEnv(envOf({ SLUICE_CACHE_TTL: "abc" })).cacheTtlSeconds, undefined, "bad ttl");
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
