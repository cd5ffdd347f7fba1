/**
 * `createHousekeepingRoute` on its own (Node): the CRON_SECRET rule, the bearer check, the report, and a
 * failing store. The route inside `next build` + `next start` against Upstash is in examples/vercel-nextjs.
 */
import type { UsageStore } from "@sluice/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHousekeepingRoute, envSecrets } from "../src/index.js";

const SECRET = "cron-secret-for-tests-0001";
const call = (route: { GET(r: Request): Promise<Response> }, bearer?: string) =>
  route.GET(
    new Request("https://app.test/api/sluice-housekeeping", {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    }),
  );
const failing = (message: string): UsageStore => ({
  add: async () => {},
  query: async () => [],
  rollup: async () => {
    throw new Error(message);
  },
  prune: async () => ({ rows: 0, more: false }),
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createHousekeepingRoute", () => {
  it("answers 500 naming the fix while CRON_SECRET is unset or short, and works once it is set", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "log").mockImplementation(() => {});
    const env: Record<string, string> = {};
    const route = createHousekeepingRoute({ secrets: envSecrets(env) });
    for (const [value, words] of [
      [undefined, "CRON_SECRET is not set"],
      ["short", "CRON_SECRET is shorter than 16 characters"],
    ] as const) {
      if (value) env.CRON_SECRET = value;
      const response = await call(route, value ?? SECRET);
      expect(response.status).toBe(500);
      const { error } = (await response.json()) as { error: { message: string } };
      expect(error.message).toContain(words);
      expect(error.message).toContain("Environment Variables");
      expect(error.message).not.toContain("short,"); // the value itself is never quoted
    }
    env.CRON_SECRET = SECRET;
    const response = await call(route, SECRET);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rolledUp: 0, pruned: 0, notes: ["no usage store"] });
  });

  it("answers 401 without a bearer or with a wrong one, and never runs housekeeping then", async () => {
    const rollup = vi.fn(async () => ({ rows: 0, more: false }));
    const usage = { ...failing("unused"), rollup };
    const route = createHousekeepingRoute({
      secrets: envSecrets({ CRON_SECRET: SECRET }),
      stores: { usage },
    });
    for (const bearer of [undefined, `${SECRET}x`, SECRET.slice(0, -1)]) {
      const response = await call(route, bearer);
      expect(response.status).toBe(401);
      expect(response.headers.get("x-sluice-failure")).toBe("unauthorized");
      expect(JSON.stringify(await response.json())).not.toContain(SECRET);
    }
    expect(rollup).not.toHaveBeenCalled();
  });

  it("answers a failing store with a fixed 500 and logs the reason", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void logged.push(line));
    const route = createHousekeepingRoute({
      secrets: envSecrets({ CRON_SECRET: SECRET }),
      stores: { usage: failing("redis at db.internal:6379 refused") },
    });
    const response = await call(route, SECRET);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).toContain("Housekeeping failed; see the function logs.");
    expect(body).not.toContain("db.internal");
    expect(logged.join("\n")).toContain("db.internal:6379 refused");
  });
});
