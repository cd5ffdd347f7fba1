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
      /Unknown runtime bun: choose from cloudflare, deno, fastly, node, vercel/,
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
    expect(files["src/index.ts"]).toContain('const unused = ["anthropic", "cerebras", "gemini", "groq"]');
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
    expect(bare["main.ts"]).toContain("usage: false");
    expect(bare["main.ts"]).not.toContain("scheduleHousekeeping"); // no usage store, nothing to keep
    expect(bare["test/gateway_test.ts"]).not.toContain("429");
  });

  it("node: Redis only for the features that need it; unused providers off; metrics as JSON lines", () => {
    const files = generate(
      choices({ runtime: "node", providers: ["anthropic", "groq"], features: ["rate-limit", "metrics"] }),
      "1.0.0",
    );
    const manifest = JSON.parse(files["package.json"] ?? "");
    expect(manifest.dependencies).toEqual({ "@sluice/core": "^1.0.0", "@sluice/node": "^1.0.0" });
    expect(Object.keys(manifest.devDependencies)).toEqual(
      expect.arrayContaining(["@anthropic-ai/sdk", "openai", "vitest"]),
    );
    expect(files["server.ts"]).toContain(
      "providers: { cerebras: { enabled: false }, gemini: { enabled: false }, openai: { enabled: false } },",
    );
    expect(files["server.ts"]).not.toContain("metrics: []"); // the default: one JSON line per call
    const quiet = generate(choices({ runtime: "node", providers: ["anthropic"], features: [] }), "1.0.0");
    expect(quiet["server.ts"]).toContain("metrics: []");
    expect(files[".env.example"]).toMatch(/^REDIS_URL=redis:\/\/localhost:6379$/m);
    expect(files["test/redis-server.ts"]).toContain('spawn("redis-server"');
    const test = files["test/gateway.test.ts"] ?? "";
    expect(test).toContain("holds in Redis: the fourth call of 3/600s is a 429");
    expect(test).toContain("the official openai SDK streams groq");
    // The SDK appends /chat/completions to its base URL; Groq's chat path is /groq/openai/v1/chat/completions.
    expect(test).toContain('new OpenAI(clientOptions("/groq/openai/v1"))');
    expect(test).toContain('new Anthropic(clientOptions("/anthropic"))');
    expect(test).toContain('exits 0"');
    expect(files["README.md"]).toContain("redis-server --daemonize yes");

    const bare = generate(
      choices({ runtime: "node", providers: ["openai"], features: ["metrics"] }),
      "1.0.0",
    );
    expect(bare["test/redis-server.ts"]).toBeUndefined();
    expect(bare[".env.example"]).not.toContain("REDIS_URL");
    expect(bare["test/gateway.test.ts"]).not.toContain("redis");
    expect(bare["README.md"]).not.toContain("redis-server");
    expect(JSON.parse(bare["package.json"] ?? "").devDependencies["@anthropic-ai/sdk"]).toBeUndefined();
  });

  it("vercel: a Next.js route on the Node.js runtime; Upstash only for the features that need it", () => {
    const files = generate(
      choices({ runtime: "vercel", providers: ["openai"], features: ["rate-limit", "keys"] }),
      "1.0.0",
    );
    const manifest = JSON.parse(files["package.json"] ?? "");
    expect(manifest.dependencies["@upstash/redis"]).toBe(TOOL_VERSIONS["@upstash/redis"]);
    expect(manifest.scripts.build).toBe("next build");
    const route = files["app/[...path]/route.ts"] ?? "";
    expect(route).toContain('export const runtime = "nodejs";');
    expect(route).toContain("redis: () => redisFromEnv(Redis)");
    expect(route).toContain("anthropic: { enabled: false }");
    expect(route).toContain("metrics: []");
    expect(files[".env.example"]).toMatch(/^UPSTASH_REDIS_REST_TOKEN=$/m);
    expect(files["test/upstash.ts"]).toContain('path === "/multi-exec"');
    expect(files["test/gateway.test.ts"]).toContain("holds in Upstash");

    const bare = generate(
      choices({ runtime: "vercel", providers: ["anthropic"], features: ["metrics"] }),
      "1.0.0",
    );
    expect(JSON.parse(bare["package.json"] ?? "").dependencies["@upstash/redis"]).toBeUndefined();
    expect(bare["app/[...path]/route.ts"]).not.toContain("Redis");
    expect(bare["test/upstash.ts"]).toBeUndefined();
    expect(bare["test/global-setup.ts"]).not.toContain("redis");
  });

  it("node and vercel entry files are the repository's examples, code for code, when everything is chosen", () => {
    const code = (text: string) =>
      text
        .split("\n")
        .filter((line) => !/^\s*\/\//.test(line))
        .map((line) => line.replace(/\s*\/\/.*$/, ""))
        .join("\n");
    const example = (path: string) =>
      readFileSync(new URL(`../../../examples/${path}`, import.meta.url), "utf8");
    const all = ["anthropic", "openai", "gemini", "groq", "cerebras"];
    const node = generate(
      choices({ runtime: "node", providers: all, features: ["rate-limit", "cache", "metrics"] }),
      "1.0.0",
    );
    expect(code(node["server.ts"] ?? "")).toBe(code(example("node-redis/server.ts")));
    const vercel = generate(
      choices({ runtime: "vercel", providers: all, features: ["rate-limit", "cache", "metrics"] }),
      "1.0.0",
    );
    expect(vercel["app/[...path]/route.ts"]).toBe(example("vercel-nextjs/app/[...path]/route.ts"));
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

  it("writes the versions the repository's Next.js example is tested with", () => {
    const example = JSON.parse(
      readFileSync(new URL("../../../examples/vercel-nextjs/package.json", import.meta.url), "utf8"),
    );
    const deps = { ...example.dependencies, ...example.devDependencies };
    for (const name of [
      "next",
      "react",
      "react-dom",
      "@types/react",
      "@anthropic-ai/sdk",
      "openai",
      "vitest",
    ] as const) {
      expect(TOOL_VERSIONS[name], name).toBe(deps[name]);
    }
  });
});
