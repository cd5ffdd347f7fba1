/**
 * The core port contract suites, run inside the strict EdgeRuntime VM against the Upstash ports, which talk
 * REST to a real redis-server through the bridge; the sinks against a real OTLP receiver.
 */
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { bundleForEdge, startEdgeVm } from "./tooling/edge-vm.js";
import { startOtlpCollector } from "./tooling/otlp-collector.js";
import { RespConnection } from "./tooling/resp.js";

const upstash = inject("upstash");
const collector = await startOtlpCollector();
afterAll(() => collector.close());

const code = await bundleForEdge(fileURLToPath(new URL("./fixtures/contracts-entry.ts", import.meta.url)));
const vm = startEdgeVm(code, { SLUICE_TEST_SECRET: "s3cr3t" });
type Contracts = { names(): string[]; run(name: string, config: object): Promise<void> };
const contracts = vm.runtime.evaluate<Contracts>("globalThis.__contracts");
const config = { url: upstash.url, token: upstash.token, collector: collector.url };

describe("the EdgeRuntime VM is strict", () => {
  it("has web APIs but no Node APIs, and a process with env only", () => {
    const seen = vm.runtime.evaluate<Record<string, string>>(`({
      require: typeof require, Buffer: typeof Buffer, setImmediate: typeof setImmediate,
      fetch: typeof fetch, subtle: typeof crypto.subtle, processKeys: Object.keys(process).join(","),
    })`);
    expect(seen).toEqual({
      require: "undefined",
      Buffer: "undefined",
      setImmediate: "undefined",
      fetch: "function",
      subtle: "object",
      processKeys: "env",
    });
  });
});

describe("core contracts in EdgeRuntime on Upstash REST over redis-server", () => {
  for (const name of contracts.names()) it(name, () => contracts.run(name, config));

  it("rate limit: one EVALSHA per check, and EVAL once after SCRIPT FLUSH", async () => {
    const redis = await RespConnection.open(upstash.redisPort);
    const calls = async (command: string) => {
      const [info] = await redis.send([["INFO", "commandstats"]]);
      const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(String(info));
      return Number(match?.[1] ?? 0);
    };
    try {
      await redis.send([["SCRIPT", "FLUSH"]]);
      const [eval0, sha0] = [await calls("eval"), await calls("evalsha")];
      await contracts.run("rate limit: a new bucket starts full", config);
      // The first EVALSHA is answered NOSCRIPT (Redis counts it), then one EVAL loads the script.
      expect([(await calls("eval")) - eval0, (await calls("evalsha")) - sha0]).toEqual([1, 1]);
      await contracts.run("rate limit: keys are independent", config); // 3 takes, EVALSHA only
      expect([(await calls("eval")) - eval0, (await calls("evalsha")) - sha0]).toEqual([1, 4]);
    } finally {
      redis.close();
    }
  });
});
