/**
 * The core port contracts on the Fastly ports, run in Node against the `fastly:*` stand-ins.
 */
import { parseMetricLines } from "@sluice/core";
import { metricsContract, secretsContract } from "@sluice/core/testing";
import { cacheContract, rateLimitContract } from "@sluice/core/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { coreCache, edgeRateLimitStore, secretStoreSecrets, logMetrics } from "../src/index.js";
import { fastlyState, linkSecretStore } from "./stand-ins/state.js";

beforeAll(() => {
  linkSecretStore("contract_secrets", { ANTHROPIC_API_KEY: "sk-ant-contract", SLUICE_KEYS: "a,b" });
});

describe("secrets contract (Secret Store stand-in)", () => {
  for (const c of secretsContract(secretStoreSecrets("contract_secrets"), {
    ANTHROPIC_API_KEY: "sk-ant-contract",
    SLUICE_KEYS: "a,b",
  }))
    test(c.name, c.run);
});

describe("cache contract (Core Cache stand-in)", () => {
  for (const c of cacheContract(() => coreCache(), { ttlSeconds: 1 })) test(c.name, c.run);
});

describe("metrics contract (log endpoint stand-in)", () => {
  let endpoints = 0;
  for (const c of metricsContract({
    make: () => {
      const endpoint = `contract_metrics_${++endpoints}`;
      return {
        sink: logMetrics({ endpoint }),
        read: async () => parseMetricLines(fastlyState.logs.get(endpoint) ?? []),
      };
    },
  }))
    test(c.name, c.run);
});

/**
 * Edge Rate Limiting is approximate by design, so only the cases whose property real ERL keeps apply:
 * - "starts full", "keys are independent": hold on ERL (a fresh entry counts 0; entries are separate).
 * Left out, and why:
 * - "N concurrent takes admit exactly C": real ERL counters are per POP and converge asynchronously; the
 *   exact stand-in would pass, but that would claim a consistency Fastly does not give.
 * - "a denial says how long…", "buckets refill with time": use refill windows under 1 s and 2 s; ERL
 *   counts over 10 s at least, so a 2-token bucket refilling at 1/s becomes 10 per 10 s (see planFor).
 * - "cost 0 reads…; refunds cap at capacity": ERL counters cannot be decremented, so refunds are no-ops.
 */
const APPLICABLE = ["rate limit: a new bucket starts full", "rate limit: keys are independent"];

describe("rate-limit contract, applicable cases (ERL stand-in)", () => {
  const cases = rateLimitContract(() => edgeRateLimitStore());
  test("the applicable cases are still in the contract", () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(APPLICABLE));
  });
  for (const c of cases.filter((c) => APPLICABLE.includes(c.name))) test(c.name, c.run);
});
