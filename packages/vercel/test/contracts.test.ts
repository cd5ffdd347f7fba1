/**
 * The core port contract suites, run inside the strict EdgeRuntime VM: the sinks against a real OTLP
 * receiver, the secrets from the VM's env. (The Upstash stores' suites run in @sluice/upstash.)
 */
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleForEdge, startEdgeVm } from "./tooling/edge-vm.js";
import { startOtlpCollector } from "./tooling/otlp-collector.js";

const collector = await startOtlpCollector();
afterAll(() => collector.close());

const code = await bundleForEdge(fileURLToPath(new URL("./fixtures/contracts-entry.ts", import.meta.url)));
const vm = startEdgeVm(code, { SLUICE_TEST_SECRET: "s3cr3t" });
type Contracts = { names(): string[]; run(name: string, config: object): Promise<void> };
const contracts = vm.runtime.evaluate<Contracts>("globalThis.__contracts");
const config = { collector: collector.url };

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

describe("core contracts in EdgeRuntime", () => {
  for (const name of contracts.names()) it(name, () => contracts.run(name, config));
});
