/**
 * The admin API takes one credential header (Bearer), throttles wrong guesses (429 + retry-after, before the
 * key is even checked) and answers a malformed key id with a 400, never a 500.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createGateway } from "../src/index.js";
import { memoryKeyStore, memoryRateLimitStore, memorySecrets } from "../src/memory/index.js";

const ADMIN = "admin-secret-0123456789";

function gateway(clientAddress?: (request: Request) => string | undefined) {
  return createGateway({
    secrets: memorySecrets({ SLUICE_ADMIN_KEY: ADMIN, ANTHROPIC_API_KEY: "sk-ant-x" }),
    clients: { keys: memoryKeyStore() },
    stores: { counters: memoryRateLimitStore() },
    admin: { clientAddress },
  });
}
const list = (g: ReturnType<typeof gateway>, headers: Record<string, string>) =>
  g.fetch(new Request("http://sluice/_sluice/keys", { headers }));

describe("admin API hardening", () => {
  let g = gateway();
  afterEach(() => {
    g = gateway();
  });

  it("accepts the admin key only as a Bearer token, never in x-api-key", async () => {
    expect((await list(g, { "x-api-key": ADMIN })).status).toBe(401);
    expect((await list(g, { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
  });

  it("throttles repeated wrong keys with 429 and retry-after, then refuses even the right key", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await list(g, { authorization: `Bearer wrong-${i}` })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.at(-1)).toBe(429);
    const right = await list(g, { authorization: `Bearer ${ADMIN}` });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts per address when the runtime vouches for one", async () => {
    const byAddress = gateway((request) => request.headers.get("cf-connecting-ip") ?? undefined);
    for (let i = 0; i < 11; i++)
      await list(byAddress, { authorization: "Bearer wrong", "cf-connecting-ip": "198.51.100.1" });
    expect(
      (await list(byAddress, { authorization: "Bearer wrong", "cf-connecting-ip": "198.51.100.1" })).status,
    ).toBe(429);
    const other = await list(byAddress, {
      authorization: `Bearer ${ADMIN}`,
      "cf-connecting-ip": "198.51.100.2",
    });
    expect(other.status).toBe(200);
  });

  it("a malformed percent-encoding in a key id is a 400", async () => {
    for (const id of ["%E0%A4%A", "%", "%zz"]) {
      const response = await g.fetch(
        new Request(`http://sluice/_sluice/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } }),
      );
      expect(response.status, id).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /percent-encoding/,
      );
    }
  });
});
