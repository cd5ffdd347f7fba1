// Managed keys, budgets and usage through the whole Worker in workerd: the admin API on the SluiceKeys Durable
// Object, budgets in the SluiceRateLimiter Durable Object, usage in SluiceUsage, against the fake upstream.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { sha256Hex } from "@sluice/core";
import type { SluiceKeys } from "../src/index.js";
import { messages, worker } from "./worker-client.js";

const TEST_ADMIN_KEY = env.SLUICE_ADMIN_KEY;

const admin = (path: string, init: { method?: string; body?: object } = {}, key = TEST_ADMIN_KEY) =>
  worker.fetch(
    new Request(`https://sluice.test/_sluice/${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: init.body ? JSON.stringify(init.body) : undefined,
    }),
  );

interface Created {
  key: string;
  record: { id: string; budget?: { tokens: number } };
}

// Its own rate limit, over the test Worker's SLUICE_RATE_LIMIT of 3/600s: here the budget must be what refuses.
async function createKey(body: object): Promise<Created> {
  const response = await admin("keys", {
    method: "POST",
    body: { rateLimit: { limit: 100, windowSeconds: 60 }, ...body },
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as Created;
}

// Each call reports 100 input + 50 output tokens (x-fake-usage) and reserves about 60 + 50 before it goes.
const call = (clientKey: string) =>
  messages(
    clientKey,
    {
      model: "claude-haiku-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: `budget ${crypto.randomUUID()}` }],
    },
    { "cache-control": "no-cache", "x-fake-usage": "input=100,output=50" },
  );

const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
  let value = await read();
  // Settlements and usage adds run in waitUntil after the body ends: poll briefly for them to land.
  for (let i = 0; i < 100 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
};

describe("managed keys through createWorker (KEYS, RATE_LIMITER and USAGE Durable Objects)", () => {
  test("admin API: without the admin key 401/403, and the key is shown once, stored only hashed", async () => {
    expect((await admin("keys", {}, "sk-wrong-admin")).status).toBeGreaterThanOrEqual(401);
    const { key, record } = await createKey({ name: "shown once" });
    expect(key).toMatch(/^sk-sluice-/);
    const listed = await (await admin("keys")).text();
    expect(listed).toContain(record.id);
    expect(listed).not.toContain(key);
    const stored = await runInDurableObject(env.KEYS.get(env.KEYS.idFromName("keys")), (_: SluiceKeys, s) =>
      JSON.stringify(s.storage.sql.exec("SELECT * FROM keys").toArray()),
    );
    expect(stored).toContain(await sha256Hex(key));
    expect(stored).not.toContain(key);
  });

  test("a key with a 500-token daily budget: used until 429 budget_exceeded, counted, then revoked: 401", async () => {
    const { key, record } = await createKey({ name: "budgeted", budget: { tokens: 500, window: "day" } });
    const statuses: number[] = [];
    let refusal: Response | undefined;
    for (let i = 0; i < 10 && !refusal; i++) {
      const response = await call(key);
      statuses.push(response.status);
      if (response.status === 200) {
        expect(Number(response.headers.get("x-sluice-budget-remaining"))).toBeLessThan(500);
        await response.arrayBuffer();
        // Let this call settle to its observed 150 tokens before the next one reserves.
        await until(
          async () =>
            (await (await admin(`usage?key=${record.id}`)).json()) as { total: { requests: number } },
          (usage) => usage.total.requests === statuses.length,
        );
      } else refusal = response;
    }
    // 3 calls of 150 tokens fit in 500; the 4th needs ~110 with 50 left.
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(refusal?.headers.get("x-sluice-failure")).toBe("budget_exceeded");
    expect(refusal?.headers.get("x-should-retry")).toBe("false");
    const body = (await refusal?.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.message).toMatch(/budget/i);

    const usage = (await (await admin(`usage?key=${record.id}`)).json()) as {
      total: { requests: number; inputTokens: number; outputTokens: number; costUsd: number };
      budget: unknown;
    };
    expect(usage.total).toMatchObject({ requests: 3, inputTokens: 300, outputTokens: 150 });
    expect(usage.total.costUsd).toBeGreaterThan(0);

    expect((await admin(`keys/${record.id}`, { method: "DELETE" })).status).toBeLessThan(300);
    const revoked = await call(key);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { type: string }).type).toBe("error");
  });

  test("revocation applies to the very next request, and disabling too", async () => {
    const { key, record } = await createKey({ name: "revoke me" });
    const first = await call(key);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const patched = await admin(`keys/${record.id}`, { method: "PATCH", body: { disabled: true } });
    expect(patched.status).toBe(200);
    const disabled = await call(key);
    expect(disabled.status).toBe(401);
    await disabled.arrayBuffer();
    const enabled = await admin(`keys/${record.id}`, { method: "PATCH", body: { disabled: false } });
    expect(enabled.status).toBe(200);
    const back = await call(key);
    expect(back.status).toBe(200);
    await back.arrayBuffer();
    await admin(`keys/${record.id}`, { method: "DELETE" });
    expect((await call(key)).status).toBe(401);
  });

  test("static keys from SLUICE_KEYS keep working next to the managed ones", async () => {
    const response = await call("sk-sluice-test-gw");
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });
});
