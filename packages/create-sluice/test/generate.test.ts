// The generator as data: every runtime's files parse, name only the chosen providers' secrets, and use the
// tool versions the repository's own examples are tested with.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkChoices, generate, RUNTIMES, UsageError } from "../src/index.js";
import { TOOL_VERSIONS } from "../src/versions.js";

const choices = (over: Partial<Record<"runtime" | "providers" | "features", unknown>> = {}) =>
  checkChoices({
    name: "my-gw",
    runtime: "cloudflare",
    providers: ["anthropic"],
    features: [],
    ...over,
  } as never);
const stripComments = (text: string) => text.replace(/^\s*\/\/.*$/gm, "");

describe("checkChoices", () => {
  it("rejects unknown names with the allowed ones, and keys without rate-limit", () => {
    expect(() => choices({ runtime: "bun" })).toThrow(
      /Unknown runtime bun: choose from cloudflare, deno, fastly, vercel/,
    );
    expect(() => choices({ providers: ["anthropic", "mistral"] })).toThrow(/Unknown provider mistral/);
    expect(() => choices({ providers: [] })).toThrow(/at least one provider/);
    expect(() => choices({ features: ["kesh"] })).toThrow(/Unknown feature kesh/);
    expect(() => choices({ features: ["keys"] })).toThrow(/add rate-limit/);
    expect(() =>
      checkChoices({ name: "My Gateway", runtime: "deno", providers: ["openai"], features: [] }),
    ).toThrow(UsageError);
  });

  it("keeps a canonical order and drops repeats", () => {
    expect(choices({ providers: ["openai", "anthropic", "openai"] }).providers).toEqual([
      "anthropic",
      "openai",
    ]);
  });
});

describe("generate", () => {
  it.each(RUNTIMES)("%s: package files parse and depend on @sluice/* at this version", (runtime) => {
    const files = generate(
      choices({ runtime, providers: ["anthropic", "gemini"], features: ["rate-limit", "cache"] }),
      "9.8.7",
    );
    expect(files["README.md"]).toContain(runtime);
    for (const [path, text] of Object.entries(files)) {
      if (path.endsWith(".json")) expect(() => JSON.parse(text), path).not.toThrow();
    }
    const manifest = files["package.json"] ?? files["deno.json"] ?? "";
    expect(manifest).toMatch(/@sluice\/[a-z]+@?"?[:^]*\^?9\.8\.7|"\^9\.8\.7"/);
    const env = files[".dev.vars.example"] ?? files[".env.example"] ?? "";
    if (runtime !== "fastly") {
      expect(env).toMatch(/^ANTHROPIC_API_KEY=$/m);
      expect(env).toMatch(/^GEMINI_API_KEY=$/m);
      expect(env).not.toMatch(/OPENAI_API_KEY/);
    }
  });

  it("cloudflare: bindings follow the features; secrets never in vars; unused providers off", () => {
    const files = generate(
      choices({ providers: ["openai"], features: ["rate-limit", "cache", "metrics", "keys"] }),
      "1.0.0",
    );
    const config = JSON.parse(stripComments(files["wrangler.jsonc"] ?? ""));
    expect(config.durable_objects.bindings.map((b: { name: string }) => b.name)).toEqual([
      "RATE_LIMITER",
      "KEYS",
      "USAGE",
    ]);
    expect(config.kv_namespaces[0].binding).toBe("CACHE");
    expect(config.analytics_engine_datasets[0].binding).toBe("METRICS");
    expect(Object.keys(config.vars)).toEqual(["SLUICE_RATE_LIMIT"]);
    expect(files["src/index.ts"]).toContain('const unused = ["anthropic", "gemini", "groq", "cerebras"]');
    expect(files["src/index.ts"]).toContain("export { SluiceKeys, SluiceRateLimiter, SluiceUsage }");
    expect(files["test/gateway.test.ts"]).toContain("the fourth call of 3/600s is a 429");

    const bare = generate(
      choices({ providers: ["anthropic", "openai", "gemini", "groq", "cerebras"] }),
      "1.0.0",
    );
    const bareConfig = JSON.parse(stripComments(bare["wrangler.jsonc"] ?? ""));
    expect(bareConfig.durable_objects).toBeUndefined();
    expect(bare["src/index.ts"]).toContain("export default createWorker();");
    expect(bare["test/gateway.test.ts"]).not.toContain("429");
  });

  it("deno: the same test cases as Cloudflare, on Deno KV; unused providers off; features follow choices", () => {
    const files = generate(
      choices({ runtime: "deno", providers: ["openai"], features: ["rate-limit", "cache", "keys"] }),
      "1.0.0",
    );
    expect(JSON.parse(files["package.json"] ?? "").dependencies["@sluice/deno"]).toBe("^1.0.0");
    expect(files["main.ts"]).toContain("anthropic: { enabled: false }");
    expect(files["main.ts"]).toContain("metrics: []");
    expect(files["main.ts"]).not.toContain("managedKeys: false");
    expect(files["main.ts"]).toContain("scheduleHousekeeping(handler);");
    expect(JSON.parse(files["deno.json"] ?? "").unstable).toContain("cron");
    const test = files["test/gateway_test.ts"] ?? "";
    expect(test).toContain("holds in Deno KV: the fourth call of 3/600s is a 429");
    expect(test).toContain("the admin API issues a managed key");
    expect(files["test/upstream.ts"]).toContain('from "./keys.ts"');
    const bare = generate(choices({ runtime: "deno", providers: ["anthropic"] }), "1.0.0");
    expect(bare["main.ts"]).toContain("managedKeys: false");
    expect(bare["main.ts"]).not.toContain("scheduleHousekeeping"); // no usage store, nothing to keep
    expect(bare["test/gateway_test.ts"]).not.toContain("429");
  });

  it("writes the tool versions the repository's Cloudflare example is tested with", () => {
    const example = JSON.parse(
      readFileSync(new URL("../../../examples/cloudflare-worker/package.json", import.meta.url), "utf8"),
    );
    const adapter = JSON.parse(
      readFileSync(new URL("../../cloudflare/package.json", import.meta.url), "utf8"),
    );
    expect(TOOL_VERSIONS.wrangler).toBe(example.devDependencies.wrangler);
    expect(TOOL_VERSIONS["@cloudflare/vitest-plugin"]).toBe(
      adapter.devDependencies["@cloudflare/vitest-plugin"],
    );
    expect(TOOL_VERSIONS["@cloudflare/workers-types"]).toBe(
      adapter.devDependencies["@cloudflare/workers-types"],
    );
  });
});
