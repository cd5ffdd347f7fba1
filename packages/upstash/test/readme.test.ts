/**
 * The README's usage block (test/readme/gateway.ts, kept equal by scripts/check-snippets.mjs) as written, on
 * Node, against the Upstash REST bridge over a real redis-server: the limit it sets holds.
 */
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, expect, inject, it } from "vitest";

const upstash = inject("upstash");
const fake = await startFakeUpstream();
const env = {
  UPSTASH_REDIS_REST_URL: upstash.url,
  UPSTASH_REDIS_REST_TOKEN: upstash.token,
  ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
  ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
  SLUICE_KEYS: `sk-sluice-readme-${Date.now()}`,
};
Object.assign(process.env, env);
afterAll(async () => {
  for (const name of Object.keys(env)) delete process.env[name];
  await fake.close();
});

it("the README's gateway admits 60 calls a minute on a key, through Upstash", async () => {
  const { gateway } = await import("./readme/gateway.js");
  const call = () =>
    gateway.fetch(
      new Request("http://gateway.test/anthropic/v1/messages", {
        method: "POST",
        headers: {
          "x-api-key": env.SLUICE_KEYS,
          "anthropic-version": "2023-06-01",
          "content-type": "application/json",
        },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 8,
          messages: [{ role: "user", content: "hi" }],
        }),
      }),
    );
  // 100 at once: the bucket holds 60 and refills one a second, so 60 pass plus one per second elapsed.
  const started = Date.now();
  const statuses = await Promise.all(Array.from({ length: 100 }, async () => (await call()).status));
  const refilled = Math.ceil((Date.now() - started) / 1000);
  const admitted = statuses.filter((s) => s === 200).length;
  expect(admitted).toBeGreaterThanOrEqual(60);
  expect(admitted).toBeLessThanOrEqual(60 + refilled);
  expect(statuses.filter((s) => s === 429)).toHaveLength(100 - admitted);
  expect(fake.records).toHaveLength(admitted);
});
