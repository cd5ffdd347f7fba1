/**
 * Keys never leak: after successes, upstream faults and every gateway error path, for every provider, no
 * provider or client key appears in a client-visible header or body, in a metric point, or on the console,
 * not even when the upstream's own error quotes the key it was sent.
 */
import { FAKE_KEYS, type FakeUpstream, startFakeUpstream } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { memorySecrets } from "../src/memory/index.js";
import { CLIENT_KEY, OTHER_CLIENT_KEY, PROVIDER_SECRETS, type Stack, startStack } from "./helpers.js";
import { SCENARIOS, type Stacks, TARGETS, json, request, startErrorStacks } from "./scenarios.js";

/** Operator keys the fake upstream refuses; OpenAI's refusal quotes a masked copy (first 8, last 4 chars). */
const WRONG_KEYS = {
  ANTHROPIC_API_KEY: "sk-ant-operator-wrong-key-ABCDEFGH",
  OPENAI_API_KEY: "sk-operator-wrong-key-IJKLMNOP",
  GEMINI_API_KEY: "AIzaOperatorWrongKeyQRSTUVWXYZ0123456",
  GROQ_API_KEY: "gsk_operatorwrongkey4567",
  CEREBRAS_API_KEY: "csk-operatorwrongkey8901",
};

/** Every secret, and the masked prefix an upstream may echo. */
const SECRETS = [
  ...Object.values(FAKE_KEYS),
  ...Object.values(WRONG_KEYS),
  ...Object.values(WRONG_KEYS).map((k) => k.slice(0, 8)),
  CLIENT_KEY,
  OTHER_CLIENT_KEY,
];

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

let fake: FakeUpstream;
let stacks: Stacks;
let success: Stack;
let wrongKey: Stack;
const seen: string[] = [];
const spies: MockInstance[] = [];

/** Keeps everything a client could see of a response: status line, every header, the whole body. */
async function keep(response: Response, label: string): Promise<Response> {
  const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  const body = await response.text();
  seen.push(`${label}\n${response.status}\n${headers}\n\n${body}`);
  return response;
}

beforeAll(async () => {
  for (const method of CONSOLE_METHODS) spies.push(vi.spyOn(console, method));
  fake = await startFakeUpstream();
  stacks = await startErrorStacks(fake);
  success = await startStack({}, fake);
  // The same stack, but its secrets hold operator keys the upstream refuses.
  wrongKey = await startStack(
    { secrets: memorySecrets({ ...PROVIDER_SECRETS, ...WRONG_KEYS, SLUICE_KEYS: CLIENT_KEY }) },
    fake,
  );

  for (const t of TARGETS) {
    const call = (stack: Stack, headers: Record<string, string> = {}, body = t.body, path = t.path) =>
      request(stack, path, { headers: { ...json, ...t.auth(CLIENT_KEY), ...headers }, body });
    const streamed = t.shape === "gemini" ? t.body : t.body.replace(/^\{/, '{"stream":true,');
    const streamPath =
      t.shape === "gemini" ? t.path.replace(":generateContent", ":streamGenerateContent?alt=sse") : t.path;

    await keep(await call(success), `${t.name} success`);
    await keep(await call(success, {}, streamed, streamPath), `${t.name} stream`);
    for (const fault of [
      "status=529",
      "status=429,retry-after=30",
      "status=400",
      "status=401",
      "status=403",
      "wrong-content-type",
      "truncated-json",
    ]) {
      await keep(await call(success, { "x-fake-fault": fault }), `${t.name} ${fault}`);
    }
    for (const fault of ["in-stream-overload=1", "reset-after=1"]) {
      await keep(await call(success, { "x-fake-fault": fault }, streamed, streamPath), `${t.name} ${fault}`);
    }
    for (const scenario of SCENARIOS)
      await keep(await scenario.send(stacks, t), `${t.name} ${scenario.name}`);
    await keep(await call(wrongKey), `${t.name} wrong operator key`);
  }
  for (const stack of [success, wrongKey, ...Object.values(stacks)]) await stack.flush();
});

afterAll(async () => {
  for (const spy of spies) spy.mockRestore();
  await Promise.all(
    [success, wrongKey, ...Object.values(stacks ?? {})].filter(Boolean).map((s) => s.close()),
  );
  await fake?.close();
});

function expectNoSecret(texts: string[], where: string) {
  for (const text of texts) {
    for (const secret of SECRETS) {
      if (text.includes(secret))
        throw new Error(`${where} contains the secret "${secret}":\n${text.slice(0, 2000)}`);
    }
  }
}

describe("no key leaks", () => {
  it("the run covered what it claims: successes, upstream errors, every gateway error, real key traffic", () => {
    expect(seen).toHaveLength(TARGETS.length * (2 + 7 + 2 + SCENARIOS.length + 1));
    const statuses = new Set(seen.map((s) => Number(s.split("\n")[1])));
    for (const status of [200, 400, 401, 404, 405, 413, 415, 429, 502, 504, 529])
      expect(statuses).toContain(status);
    // The provider keys were really in play: the upstream received each of them.
    const sent = new Set(
      fake.records.flatMap((r) => [
        r.headers["x-api-key"],
        r.headers.authorization,
        r.headers["x-goog-api-key"],
      ]),
    );
    for (const t of TARGETS) {
      const key = FAKE_KEYS[t.name];
      expect([...sent].some((v) => v?.includes(key))).toBe(true);
    }
  });

  it("the upstream's refusal of a wrong operator key quotes part of it, so the check below is meaningful", async () => {
    const response = await fetch(`${fake.baseUrls.openai}/chat/completions`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${WRONG_KEYS.OPENAI_API_KEY}` },
      body: TARGETS[1]!.body,
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain(WRONG_KEYS.OPENAI_API_KEY.slice(0, 8));
  });

  it("a refused operator key is a 502 upstream_auth, quoting nothing upstream said", () => {
    const refusals = seen.filter((s) => s.split("\n")[0]!.endsWith("wrong operator key"));
    expect(refusals.map((s) => s.split("\n")[0])).toEqual(TARGETS.map((t) => `${t.name} wrong operator key`));
    for (const text of refusals) {
      const [label, status] = text.split("\n");
      if (label!.startsWith("gemini")) {
        // Gemini refuses a bad key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID), indistinguishable by
        // status from a bad request: it passes through as the upstream's 400, which quotes no key.
        expect(status).toBe("400");
        expect(text).toContain("API key not valid");
        continue;
      }
      expect(status, label).toBe("502");
      expect(text).toContain("x-sluice-failure: upstream_auth");
      expect(text).toMatch(/refused the gateway's provider key \(HTTP 40[13]\)/);
    }
  });

  it("no client-visible header or body contains a key", () => {
    expectNoSecret(seen, "a response");
  });

  it("no metric point contains a key", () => {
    const points = [success, wrongKey, ...Object.values(stacks)].flatMap((s) => s.metrics.points);
    expect(points.length).toBeGreaterThan(TARGETS.length * 10);
    expectNoSecret(
      points.map((p) => JSON.stringify(p)),
      "a metric point",
    );
  });

  it("nothing written to the console contains a key", () => {
    const lines = spies.flatMap((spy) =>
      spy.mock.calls.map((args) =>
        args
          .map((a) => (a instanceof Error ? `${a.stack}` : typeof a === "string" ? a : JSON.stringify(a)))
          .join(" "),
      ),
    );
    expectNoSecret(lines, "console output");
  });
});
