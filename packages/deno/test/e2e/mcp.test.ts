/**
 * The remote MCP server of `examples/deno-deploy/main.ts` under `deno serve` (real Deno, real Deno KV), driven
 * by the official MCP client over Streamable HTTP: the shared scenarios of packages/mcp/test/scenario.ts
 * (create a key through MCP, use it with the official Anthropic SDK, see its usage, revoke it and see it
 * refused; a wrong admin key refused; a budget set through MCP enforced and named in recent_failures).
 */
import { FAKE_KEYS } from "@sluice/fake-upstream";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectBudgetRefusal, expectKeyLifecycle } from "../../../mcp/test/scenario.ts";
import { type Stack, startStack } from "./processes.ts";

const ADMIN_KEY = "sluice-e2e-mcp-admin-0001";
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ SLUICE_ADMIN_KEY: ADMIN_KEY }, FAKE_KEYS);
});
afterAll(async () => {
  if (process.env.SHOW_DENO_LOG) console.log(stack?.deno.output());
  await stack?.stop();
});

describe("MCP over HTTP on the Deno Deploy example under deno serve", () => {
  it("creates a key, uses it, shows its usage, revokes it and sees it refused", async () => {
    await expectKeyLifecycle({ gateway: stack.gatewayUrl, adminKey: ADMIN_KEY });
  });

  it("refuses a wrong admin key; a budget set through MCP refuses the key and recent_failures names it", async () => {
    await expectBudgetRefusal({ gateway: stack.gatewayUrl, adminKey: ADMIN_KEY });
  });
});
