import { PROVIDER_LIST } from "@sluice/core";
import { secretsContract } from "@sluice/core/testing";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { envSecrets, findSecretsInVars } from "../src/index.js";

describe("env secrets: core contract (the Worker's real env)", () => {
  for (const c of secretsContract(envSecrets(env), {
    ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY,
    SLUICE_KEYS: env.SLUICE_KEYS,
  }))
    test(c.name, c.run);

  test("a binding under a secret's name reads as unset, not as an object", async () => {
    expect(await envSecrets(env).get("CACHE")).toBeUndefined();
  });

  test("a Secrets Store binding is read through its get()", async () => {
    const secrets = envSecrets({ OPENAI_API_KEY: { get: async () => "from-store" } });
    expect(await secrets.get("OPENAI_API_KEY")).toBe("from-store");
  });
});

describe("findSecretsInVars: the configuration-time guard against secrets in [vars]", () => {
  test("names each secret found in vars, top level and per environment", () => {
    const found = findSecretsInVars({
      vars: { ANTHROPIC_BASE_URL: "https://x", OPENAI_API_KEY: "sk-oops" },
      env: { staging: { vars: { SLUICE_KEYS: "a,b" } }, prod: {} },
    });
    expect(found).toEqual(["vars.OPENAI_API_KEY", "env.staging.vars.SLUICE_KEYS"]);
  });

  test("every key core reads is a secret, the rotation keys (*_API_KEY_SECONDARY) included", () => {
    const keys = PROVIDER_LIST.flatMap((p) => [p.env.apiKey, p.env.secondaryApiKey]);
    expect(keys).toContain("OPENAI_API_KEY_SECONDARY");
    const vars = Object.fromEntries(keys.map((name) => [name, "leaked"]));
    expect(findSecretsInVars({ vars })).toEqual(keys.map((name) => `vars.${name}`));
  });

  test("the test Worker's own wrangler config puts no secret in vars", async () => {
    const config = await import("./wrangler.jsonc?raw").then((m: { default: string }) => m.default);
    const parsed = JSON.parse(config.replace(/^\s*\/\/.*$/gm, ""));
    expect(findSecretsInVars(parsed)).toEqual([]);
    expect(Object.keys(parsed.vars)).toContain("R2_ACCOUNT_ID");
  });
});

describe("env secrets: bindings are never mistaken for secrets", () => {
  test("KV, R2, Durable Object and Analytics Engine bindings read as unset", async () => {
    const secrets = envSecrets(env);
    for (const name of ["CACHE", "OBJECTS", "RATE_LIMITER", "METRICS", "RATE_LIMIT"])
      expect(await secrets.get(name), name).toBeUndefined();
  });
});
