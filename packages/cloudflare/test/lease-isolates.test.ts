// Token leasing across isolates, in workerd: two Worker services (test/isolates/worker.ts, run as "isolate-a"
// and "isolate-b" by vitest.config.ts), each with its own leases, share one SluiceRateLimiter namespace.
// 1,000 concurrent calls spread over both may never admit more than the bucket; once the leases have expired,
// what they held comes back, and the total admitted is exactly the bucket. Run twice: with an explicit lease,
// and with the Workers' default configuration (leasing "auto", engaged by the burst's pile-up).
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import {
  DEFAULT_LEASE_TTL_MS,
  ISOLATES_BUCKET,
  ISOLATES_CLIENT_KEY,
  ISOLATES_DEFAULT_CLIENT_KEY,
  ISOLATES_LEASE,
} from "./isolates/constants.js";

/** The two configurations: the client key (its own bucket), the config header, what a lease holds at most. */
const CONFIGS: { name: string; key: string; header: Record<string, string>; size: number; ttlMs: number }[] =
  [
    { name: "explicit lease (size 16)", key: ISOLATES_CLIENT_KEY, header: {}, ...ISOLATES_LEASE },
    {
      name: 'default configuration (lease "auto": 1/16 of the bucket)',
      key: ISOLATES_DEFAULT_CLIENT_KEY,
      header: { "x-test-config": "default" },
      size: Math.floor(ISOLATES_BUCKET / 16),
      ttlMs: DEFAULT_LEASE_TTL_MS,
    },
  ];
type Config = (typeof CONFIGS)[number];

const isolates = env as unknown as Record<"ISOLATE_A" | "ISOLATE_B", Fetcher>;
const both = [isolates.ISOLATE_A, isolates.ISOLATE_B];

async function call(worker: Fetcher, i: number, config: Config): Promise<number> {
  const response = await worker.fetch("https://gateway.test/anthropic/v1/messages", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": config.key,
      ...config.header,
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
async function left(config: Config): Promise<number> {
  const url = `https://gateway.test/_test/bucket?client=${config.key}&capacity=${ISOLATES_BUCKET}`;
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

  for (const config of CONFIGS) {
    test(`${config.name}: 1,000 concurrent calls admit at most the bucket, and exactly the bucket once the leases expire`, async () => {
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => call(both[i % 2]!, i, config)),
      );
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      const during = statuses.filter((s) => s === 200).length;
      expect(during).toBeLessThanOrEqual(ISOLATES_BUCKET);
      // The rest is in the object or held by the isolates: at most one lease each.
      const stored = await left(config);
      expect(during + stored).toBeLessThanOrEqual(ISOLATES_BUCKET);
      expect(during + stored).toBeGreaterThanOrEqual(ISOLATES_BUCKET - 2 * config.size);
      const peaks = (await Promise.all(both.map(info))).map((x) => x.peak);
      // Really concurrent: many calls were in each isolate at once.
      expect(Math.min(...peaks)).toBeGreaterThan(config.size);

      // Idle past the leases' TTL: each isolate's timer gives back what it held, before any other call comes.
      await new Promise((resolve) => setTimeout(resolve, config.ttlMs + 100));
      expect(during + (await left(config))).toBe(ISOLATES_BUCKET);
      // Sequential calls then use up exactly what is left.
      let later = 0;
      for (let i = 0; i < 60; i++) if ((await call(both[i % 2]!, 1000 + i, config)) === 200) later++;
      expect(during + later).toBe(ISOLATES_BUCKET);
      expect(await left(config)).toBe(0);
    }, 120_000);
  }
});
