/**
 * The core port contract suites on the Upstash stores, inside the strict EdgeRuntime VM, talking REST to a
 * real redis-server through the bridge.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { RespConnection } from "../../redis/test/tooling/resp.js";
import { bundleForEdge, startEdgeVm } from "./tooling/edge-vm.js";

const upstash = inject("upstash");
const code = await bundleForEdge(fileURLToPath(new URL("./fixtures/contracts-entry.ts", import.meta.url)));
const vm = startEdgeVm(code).runtime;
type Contracts = { names(): string[]; run(name: string, config: object): Promise<void> };
const contracts = vm.evaluate<Contracts>("globalThis.__contracts");
const config = { url: upstash.url, token: upstash.token };

describe("core contracts in EdgeRuntime on Upstash REST over redis-server", () => {
  it("the VM has web APIs but no Node APIs", () => {
    const seen = vm.evaluate<Record<string, string>>(
      "({ require: typeof require, Buffer: typeof Buffer, fetch: typeof fetch })",
    );
    expect(seen).toEqual({ require: "undefined", Buffer: "undefined", fetch: "function" });
  });

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
