// Token leasing across isolates, in workerd: two Worker services (test/isolates/worker.ts, run as "isolate-a"
// and "isolate-b" by vitest.config.ts), each with its own leases, share one SluiceRateLimiter namespace.
// 1,000 concurrent calls spread over both may never admit more than the bucket; once the leases have expired,
// what they held comes back, and the total admitted is exactly the bucket.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { ISOLATES_BUCKET, ISOLATES_CLIENT_KEY, ISOLATES_LEASE } from "./isolates/constants.js";

const isolates = env as unknown as Record<"ISOLATE_A" | "ISOLATE_B", Fetcher>;
const both = [isolates.ISOLATE_A, isolates.ISOLATE_B];

async function call(worker: Fetcher, i: number): Promise<number> {
  const response = await worker.fetch("https://gateway.test/anthropic/v1/messages", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": ISOLATES_CLIENT_KEY,
    },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 16,
      messages: [{ role: "user", content: `lease isolates ${i}` }],
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

const info = async (worker: Fetcher) =>
  (await (await worker.fetch("https://gateway.test/_test/isolate")).json()) as {
    isolate: string;
    peak: number;
  };

/** Whole tokens the Durable Object still holds for the client key's bucket (it refills 100 a day: a fraction). */
async function left(): Promise<number> {
  const url = `https://gateway.test/_test/bucket?client=${ISOLATES_CLIENT_KEY}&capacity=${ISOLATES_BUCKET}`;
  return Math.floor(
    ((await (await isolates.ISOLATE_A.fetch(url)).json()) as { remaining: number }).remaining,
  );
}

describe("token leasing across two isolates on one Durable Object bucket", () => {
  test("the two Workers are two isolates (module state not shared)", async () => {
    const [a, b] = await Promise.all(both.map(info));
    expect(a?.isolate).toBeTypeOf("string");
    expect(a?.isolate).not.toBe(b?.isolate);
  });

  test("1,000 concurrent calls admit at most the bucket, and exactly the bucket once the leases expire", async () => {
    const statuses = await Promise.all(Array.from({ length: 1000 }, (_, i) => call(both[i % 2]!, i)));
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    const during = statuses.filter((s) => s === 200).length;
    expect(during).toBeLessThanOrEqual(ISOLATES_BUCKET);
    // The rest is in the object or held by the isolates: at most one lease each.
    const stored = await left();
    expect(during + stored).toBeLessThanOrEqual(ISOLATES_BUCKET);
    expect(during + stored).toBeGreaterThanOrEqual(ISOLATES_BUCKET - 2 * ISOLATES_LEASE.size);
    const peaks = (await Promise.all(both.map(info))).map((x) => x.peak);
    // Really concurrent: many calls were in each isolate at once.
    expect(Math.min(...peaks)).toBeGreaterThan(ISOLATES_LEASE.size);

    // Idle past the leases' TTL: each isolate's timer gives back what it held, before any other call comes.
    await new Promise((resolve) => setTimeout(resolve, ISOLATES_LEASE.ttlMs + 100));
    expect(during + (await left())).toBe(ISOLATES_BUCKET);
    // Sequential calls then use up exactly what is left.
    let later = 0;
    for (let i = 0; i < 60; i++) if ((await call(both[i % 2]!, 1000 + i)) === 200) later++;
    expect(during + later).toBe(ISOLATES_BUCKET);
    expect(await left()).toBe(0);
  }, 120_000);
});
