/**
 * Managed client keys on the KV Store: the core key-store contract against the `fastly:kv-store`
 * stand-in, what the store costs and holds, how the handler turns it on, and one end-to-end run through
 * the handler with the fake upstream (create with a budget → 429 budget_exceeded → revoke → 401).
 */
import { FAILURE_HEADER, sha256Hex } from "@sluice/core";
import { memoryRateLimitStore, memoryUsageStore } from "@sluice/core/memory";
import { keyStoreContract } from "@sluice/core/testing";
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { createHandler, type FastlyHandlerOptions, kvKeyStore } from "../src/index.js";
import { resetDynamicBackends } from "./stand-ins/backend.js";
import { fastlyFetch } from "./stand-ins/fetch.js";
import {
  declareBackend,
  fastlyState,
  linkConfigStore,
  linkKvStore,
  linkSecretStore,
  resetRuntime,
} from "./stand-ins/state.js";

const ADMIN_KEY = "sluice-admin-fastly-0001";
const STATIC_KEY = "sluice-fastly-static-0001";

describe("key-store contract (KV Store stand-in)", () => {
  beforeAll(() => linkKvStore("contract_keys"));
  for (const c of keyStoreContract(() => kvKeyStore("contract_keys"))) test(c.name, c.run);
});

describe("kvKeyStore on the KV Store", () => {
  test("a lookup by hash is one KV read (no list, no second get)", async () => {
    linkKvStore("one_read");
    const store = kvKeyStore("one_read");
    const hash = await sha256Hex("sk-sluice-one-read");
    await store.put({ id: "key_one", hash, name: "one" });
    fastlyState.kvOps.clear();
    expect((await store.lookup(hash))?.id).toBe("key_one");
    expect(fastlyState.kvOps.get("one_read")).toEqual({ get: 1, put: 0, delete: 0, list: 0 });
  });

  test("entries are named by hash and by id, and ids KV forbids are encoded", async () => {
    const entries = linkKvStore("names");
    const store = kvKeyStore("names", { prefix: "p/" });
    const hash = await sha256Hex("sk-sluice-names");
    await store.put({ id: "key_a#b?c|d", hash });
    expect([...entries.keys()].sort()).toEqual([`p/hash/${hash}`, "p/id/key_a%23b%3Fc%7Cd"]);
    expect((await store.get("key_a#b?c|d"))?.hash).toBe(hash);
  });

  test("a store the service does not have is named in the error", async () => {
    await expect(kvKeyStore("not_linked").lookup("00")).rejects.toThrow(
      'KV Store "not_linked" is not linked to this Fastly service.',
    );
  });

  test("a KV outage rejects (core turns it into a 503), it never reads as 'no such key'", async () => {
    linkKvStore("flaky");
    fastlyState.kvDown.add("flaky");
    await expect(kvKeyStore("flaky").lookup("00")).rejects.toThrow(/could not be reached/);
    fastlyState.kvDown.clear();
  });
});

// ---------------------------------------------------------------------------------------------------
// Through the handler: the fake upstream for the providers, static backends pointing at it.

let fake: FakeUpstream;

async function call(handle: ReturnType<typeof createHandler>, path: string, init: RequestInit) {
  const pending: Promise<unknown>[] = [];
  const response = await handle({
    request: new Request(`https://sluice.edgecompute.app${path}`, init),
    waitUntil: (p) => pending.push(p),
  });
  const text = await response.text();
  await Promise.all(pending); // settlement and usage counters run in waitUntil
  return { status: response.status, headers: response.headers, text };
}

const admin = (handle: ReturnType<typeof createHandler>, method: string, path: string, body?: object) =>
  call(handle, path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    ...(body && { body: JSON.stringify(body) }),
  });

const anthropic = (handle: ReturnType<typeof createHandler>, key: string) =>
  call(handle, "/anthropic/v1/messages", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": key,
      "x-fake-usage": "input=30,output=10",
    },
    body: JSON.stringify({
      model: "claude-sonnet-4-6",
      max_tokens: 16,
      messages: [{ role: "user", content: "hi" }],
    }),
  });

function setup(options: FastlyHandlerOptions = {}) {
  const real = new URL(fake.baseUrls.anthropic);
  linkConfigStore("sluice_config", {
    anthropic_base_url: `http://anthropic.upstream.invalid${real.pathname}`,
  });
  return createHandler({ ...options, upstream: { retry: { maxRetries: 0 }, ...options.upstream } });
}

describe("the handler with managed keys", () => {
  beforeAll(async () => {
    fake = await startFakeUpstream();
    vi.stubGlobal("fetch", fastlyFetch);
    linkSecretStore("sluice_secrets", {
      ANTHROPIC_API_KEY: FAKE_KEYS.anthropic,
      SLUICE_KEYS: STATIC_KEY,
      SLUICE_ADMIN_KEY: ADMIN_KEY,
    });
    declareBackend("anthropic", { target: new URL(fake.url).host });
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    fastlyState.kvStores.delete("sluice_keys");
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    resetRuntime();
    resetDynamicBackends();
    fastlyState.kvStores.delete("sluice_keys");
    fastlyState.kvStores.delete("team_keys");
  });

  test("without a sluice_keys KV Store: static keys only, no key management", async () => {
    const handle = setup();
    expect((await anthropic(handle, STATIC_KEY)).status).toBe(200);
    const created = await admin(handle, "POST", "/_sluice/keys", { name: "x" });
    expect(created.status).not.toBe(201);
  });

  test("a linked sluice_keys store turns key management on; SLUICE_KEYS keeps working", async () => {
    linkKvStore("sluice_keys");
    const handle = setup();
    const created = await admin(handle, "POST", "/_sluice/keys", { name: "auto" });
    expect(created.status).toBe(201);
    const { key } = JSON.parse(created.text) as { key: string };
    expect((await anthropic(handle, key)).status).toBe(200);
    expect((await anthropic(handle, STATIC_KEY)).status).toBe(200);
    expect((await anthropic(handle, "sk-sluice-unknown")).status).toBe(401);
  });

  test("SLUICE_KEYS keys are looked up first, so they keep working while the KV Store is unreachable", async () => {
    linkKvStore("sluice_keys");
    const handle = setup();
    fastlyState.kvDown.add("sluice_keys");
    try {
      expect((await anthropic(handle, STATIC_KEY)).status).toBe(200);
      // Any other key needs the store: refused with a 503 in Anthropic's error shape, never let through.
      const before = fake.records.length;
      const refused = await anthropic(handle, "sk-sluice-unknown");
      expect(refused.status).toBe(503);
      expect(refused.headers.get(FAILURE_HEADER)).toBe("state_unavailable");
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(JSON.parse(refused.text)).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
      expect(fake.records).toHaveLength(before);
    } finally {
      fastlyState.kvDown.clear();
    }
  });

  test("managedKeys: { store, prefix } names another store; a named store that is not linked is a configuration error", async () => {
    linkKvStore("team_keys");
    const named = setup({ managedKeys: { store: "team_keys", prefix: "team/" } });
    expect((await admin(named, "POST", "/_sluice/keys", { name: "t" })).status).toBe(201);
    const written = [...fastlyState.kvStores.get("team_keys")!.keys()];
    expect(written).toHaveLength(2);
    expect(written.every((name) => name.startsWith("team/"))).toBe(true);
    const missing = setup({ managedKeys: { store: "absent_keys" } });
    const answer = await anthropic(missing, STATIC_KEY);
    expect(answer.status).toBe(500);
    expect(answer.text).toContain('`managedKeys` is on but KV Store \\"absent_keys\\" is not linked');
  });

  test("managedKeys: true needs the default store linked; unset, an unlinked one just leaves them off", async () => {
    const required = await anthropic(setup({ managedKeys: true }), STATIC_KEY);
    expect(required.status).toBe(500);
    expect(required.text).toContain('KV Store \\"sluice_keys\\" is not linked');
    expect((await anthropic(setup({}), STATIC_KEY)).status).toBe(200);
    linkKvStore("sluice_keys");
    expect((await admin(setup({ managedKeys: true }), "POST", "/_sluice/keys", { name: "y" })).status).toBe(
      201,
    );
  });

  test("managedKeys: false ignores a linked store", async () => {
    linkKvStore("sluice_keys");
    const handle = setup({ managedKeys: false });
    expect((await admin(handle, "POST", "/_sluice/keys", { name: "x" })).status).not.toBe(201);
    expect(fastlyState.kvStores.get("sluice_keys")!.size).toBe(0);
  });

  test("a budgeted key on Edge Rate Limiting is refused with 503 state_unavailable, not let through", async () => {
    linkKvStore("sluice_keys");
    const handle = setup({ limits: { rate: "60/60s" } }); // ERL: cannot hold a day-long bucket
    const created = await admin(handle, "POST", "/_sluice/keys", { budget: { tokens: 1000, window: "day" } });
    const { key } = JSON.parse(created.text) as { key: string };
    const answer = await anthropic(handle, key);
    expect(answer.status).toBe(503);
    expect(answer.headers.get(FAILURE_HEADER)).toBe("state_unavailable");
    expect(fake.records).toHaveLength(0);
  });

  test("end to end: create with a budget, spend it to 429 budget_exceeded, revoke, 401", async () => {
    const entries = linkKvStore("sluice_keys");
    // Budgets need a strongly consistent bucket; Fastly has none natively (ERL forgets after 60 s and
    // is per POP), so this run uses core's in-memory bucket where production uses Upstash.
    const handle = setup({ stores: { counters: memoryRateLimitStore(), usage: memoryUsageStore() } });

    const created = await admin(handle, "POST", "/_sluice/keys", {
      name: "budgeted",
      budget: { tokens: 100, window: "day" },
    });
    expect(created.status).toBe(201);
    const { key, record } = JSON.parse(created.text) as { key: string; record: { id: string } };

    // What the KV Store holds: records by hash and id, never the key.
    const stored = [...entries.values()].map((e) => new TextDecoder().decode(e.bytes)).join("\n");
    expect(stored).toContain(await sha256Hex(key));
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(10));

    const statuses: number[] = [];
    let refusal: Awaited<ReturnType<typeof anthropic>> | undefined;
    for (let i = 0; i < 8 && !refusal; i++) {
      const answer = await anthropic(handle, key);
      statuses.push(answer.status);
      if (answer.status !== 200) refusal = answer;
    }
    expect(statuses[0]).toBe(200);
    expect(refusal?.status).toBe(429);
    expect(refusal?.headers.get(FAILURE_HEADER)).toBe("budget_exceeded");
    expect(JSON.parse(refusal!.text)).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });

    const usage = await admin(
      handle,
      "GET",
      `/_sluice/usage?key=${record.id}&day=${new Date().toISOString().slice(0, 10)}`,
    );
    expect(usage.status).toBe(200);
    expect(usage.text).toContain(`"requests":${statuses.filter((s) => s === 200).length}`);

    expect((await admin(handle, "DELETE", `/_sluice/keys/${record.id}`)).status).toBe(200);
    const upstreamCalls = fake.records.length;
    const revoked = await anthropic(handle, key);
    expect(revoked.status).toBe(401);
    expect(fake.records.length).toBe(upstreamCalls);
    expect(entries.size).toBe(0);
  });
});
