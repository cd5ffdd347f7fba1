// The whole gateway in workerd: the test Worker's default export is `createWorker()` (test/worker.ts), with
// real local DO, KV and R2 bindings, calling the fake upstream (started in Node by global-setup.ts).
import { describe, expect, inject, test, vi } from "vitest";
import { messages, worker } from "./worker-client.js";

const keys = inject("fakeKeys" as never) as Record<string, string>;
const ask = (text: string, extra: object = {}) => ({
  model: "claude-sonnet-4-6",
  max_tokens: 64,
  messages: [{ role: "user", content: text }],
  ...extra,
});

describe("createWorker in workerd against the fake upstream", () => {
  test("a non-streamed call is forwarded with the provider key and answered", async () => {
    const response = await messages("sk-sluice-test-gw", ask(`hello ${crypto.randomUUID()}`));
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text).type).toBe("message");
    expect(text).not.toContain(keys.anthropic);
    for (const value of response.headers.values()) expect(value).not.toContain(keys.anthropic);
  });

  test("a streamed call streams SSE through", async () => {
    const response = await messages(
      "sk-sluice-test-gw",
      ask(`stream ${crypto.randomUUID()}`, { stream: true }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text).toContain("event: message_stop");
  });

  test("an unknown client key is refused in the provider's error shape", async () => {
    const response = await messages("sk-not-a-sluice-key", ask("hi"));
    expect(response.status).toBe(401);
    const body = (await response.json()) as { type: string; error: { type: string } };
    expect(body.type).toBe("error");
  });

  test("the KV response cache answers a repeated non-streamed call", async () => {
    const body = ask(`cache me ${crypto.randomUUID()}`);
    const first = await messages("sk-sluice-test-cache", body);
    expect(first.headers.get("x-sluice-cache")).toBe("MISS");
    const firstText = await first.text();
    // The cache write runs in waitUntil after the body ended; poll briefly for it to land.
    let second: Response | undefined;
    for (let i = 0; i < 50; i++) {
      second = await messages("sk-sluice-test-cache", body);
      if (second.headers.get("x-sluice-cache") === "HIT") break;
      await second.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(second?.headers.get("x-sluice-cache")).toBe("HIT");
    expect(await second?.text()).toBe(firstText);
  });

  test("SLUICE_RATE_LIMIT (3/600s) on the Durable Object: the 4th call gets 429 with retry-after", async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await messages("sk-sluice-test-rl", ask(`rl ${i} ${crypto.randomUUID()}`), {
        "cache-control": "no-cache",
      });
      statuses.push(last.status);
      if (i < 3) await last.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await last?.json()) as { error: { type: string } };
    expect(body.error.type).toBe("rate_limit_error");
  });

  test("60 concurrent calls on one key with 3 tokens: exactly 3 are forwarded (200), 57 get 429", async () => {
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        messages("sk-sluice-test-burst", ask(`burst ${i} ${crypto.randomUUID()}`), {
          "cache-control": "no-cache",
        }),
      ),
    );
    const statuses = await Promise.all(
      responses.map(async (r) => {
        await r.arrayBuffer();
        return r.status;
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(57);
  });

  test("upstream failures: provider-shaped errors, and no provider key in responses or logs", async () => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      }),
    );
    try {
      const seen: string[] = [];
      for (const fault of ["status=401", "status=529", "status=500"]) {
        const response = await messages("sk-sluice-test-gw", ask(`fault ${crypto.randomUUID()}`), {
          "x-fake-fault": fault,
          "cache-control": "no-cache",
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        const text = await response.text();
        expect(JSON.parse(text).type).toBe("error");
        seen.push(text, ...response.headers.values());
      }
      for (const text of [...seen, ...logged]) {
        for (const key of Object.values(keys)) expect(text).not.toContain(key);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  test("healthz answers without a key", async () => {
    const response = await worker.fetch(new Request("https://sluice.test/healthz"));
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
