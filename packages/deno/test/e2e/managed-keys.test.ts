/**
 * Managed keys end to end: the admin API of `examples/deno-deploy/main.ts` under `deno serve` (real Deno, real
 * Deno KV) creates a key with a small daily budget, the official Anthropic SDK spends it until 429
 * `budget_exceeded`, the usage endpoint reports the counters, and a revoked key is refused on the next request.
 */
import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "./processes.ts";

const ADMIN_KEY = "sluice-e2e-admin-key-0001";
const STATIC_KEY = "sluice-e2e-static-0001";
const BUDGET = 500;
/** What the fake upstream reports per call: 120 billed tokens. */
const USAGE = { "x-fake-usage": "input=100,output=20" };
let stack: Stack;
const seen: string[] = [];

beforeAll(async () => {
  stack = await startStack({ SLUICE_ADMIN_KEY: ADMIN_KEY, SLUICE_KEYS: STATIC_KEY }, FAKE_KEYS);
});
afterAll(async () => {
  if (process.env.SHOW_DENO_LOG) console.log(stack?.deno.output());
  await stack?.stop();
});

async function admin(method: string, path: string, body?: unknown, key = ADMIN_KEY) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  seen.push(text, JSON.stringify([...response.headers]));
  return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
}

const claude = (key: string) =>
  new Anthropic({ apiKey: key, baseURL: `${stack.gatewayUrl}/anthropic`, maxRetries: 0 });
const ask = (key: string) =>
  claude(key).messages.create(
    { model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "hi" }] },
    { headers: USAGE },
  );

interface UsageReport {
  total: { requests: number; inputTokens: number; outputTokens: number };
  budget: { remaining: number; tokens: number } | null;
}

/** Settling runs after the response; wait until the usage endpoint shows `requests` calls and their spend. */
async function settled(id: string, requests: number): Promise<UsageReport> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    const { json } = await admin("GET", `/_sluice/usage?key=${id}`);
    const report = json as unknown as UsageReport;
    if (report.total.requests === requests && report.budget?.remaining === BUDGET - 120 * requests)
      return report;
    last = json;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`usage never settled at ${requests} calls: ${JSON.stringify(last)}`);
}

describe("managed keys on Deno KV under deno serve", () => {
  it("refuses the admin API without the admin key", async () => {
    expect((await admin("GET", "/_sluice/keys", undefined, "wrong-admin-key")).status).toBe(401);
    expect((await admin("GET", "/_sluice/keys", undefined, STATIC_KEY)).status).toBe(401);
  });

  it("creates a key, spends its budget to 429 budget_exceeded, reports usage, and refuses it once revoked", async () => {
    const created = await admin("POST", "/_sluice/keys", {
      name: "e2e budget",
      budget: { tokens: BUDGET, window: "day" },
    });
    expect(created.status).toBe(201);
    const key = created.json.key as string;
    const id = (created.json.record as { id: string }).id;
    expect(key).toMatch(/^sk-sluice-/);
    const listed = await admin("GET", "/_sluice/keys");
    expect(JSON.stringify(listed.json)).toContain(id);
    expect(JSON.stringify(listed.json)).not.toContain(key);

    // Each call may use 100 input (estimate) + 100 output and that is reserved; 120 is settled. After three
    // calls 140 are left, and the fourth does not fit: refused before reaching the provider.
    for (let call = 1; call <= 3; call++) {
      const answer = await ask(key);
      seen.push(JSON.stringify(answer));
      expect(answer.usage.input_tokens).toBe(100);
      await settled(id, call);
    }
    const refused = await ask(key).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    const limited = refused as InstanceType<typeof Anthropic.RateLimitError>;
    seen.push(String(limited.message), JSON.stringify([...limited.headers]));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-sluice-failure")).toBe("budget_exceeded");
    expect(limited.message).toContain(`${BUDGET} tokens per day`);

    const usage = await settled(id, 3);
    expect(usage.total).toMatchObject({ requests: 3, inputTokens: 300, outputTokens: 60 });
    expect(usage.budget).toMatchObject({ tokens: BUDGET, remaining: BUDGET - 360 });

    // The static key from SLUICE_KEYS still works next to the managed ones.
    expect((await ask(STATIC_KEY)).usage.output_tokens).toBe(20);

    expect((await admin("DELETE", `/_sluice/keys/${id}`)).status).toBe(200);
    const revoked = await ask(key).then(
      () => null,
      (e: unknown) => e,
    );
    expect(revoked).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((revoked as InstanceType<typeof Anthropic.AuthenticationError>).status).toBe(401);
    expect((await admin("GET", `/_sluice/keys/${id}`)).status).toBe(404);

    // Neither the client key nor the admin key nor a provider key is in the logs; only the create answer held the key.
    const logs = stack.deno.output();
    for (const secret of [key, ADMIN_KEY, STATIC_KEY, FAKE_KEYS.anthropic])
      expect(logs).not.toContain(secret);
    expect(seen.filter((text) => text.includes(key))).toHaveLength(1);
    expect(seen.join("\n")).not.toContain(FAKE_KEYS.anthropic);
  });
});
