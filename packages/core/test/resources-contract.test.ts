/** The memory resource store passes its contract, and broken stores fail exactly the case meant to catch them. */
import { describe, expect, it } from "vitest";
import { memoryResourceStore } from "../src/memory/index.js";
import type { ResourceStore } from "../src/ports/index.js";
import { resourcesContract } from "../src/testing/index.js";
import { failedCases } from "./failed-cases.js";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Last claim wins: a second key could take over the first key's file. */
function overwritingStore(): ResourceStore {
  const owners = new Map<string, string>();
  return {
    claim: async (resource, owner) => {
      owners.set(resource, owner);
      return owner;
    },
    owner: async (resource) => owners.get(resource) ?? null,
    forget: async (resource) => void owners.delete(resource),
  };
}

/** Check-then-set with an await between: concurrent claims each think they won. */
function racyStore(): ResourceStore {
  const owners = new Map<string, string>();
  return {
    claim: async (resource, owner) => {
      const current = owners.get(resource);
      await tick();
      if (current) return current;
      owners.set(resource, owner);
      return owner;
    },
    owner: async (resource) => owners.get(resource) ?? null,
    forget: async (resource) => void owners.delete(resource),
  };
}

describe("resource ownership contract", () => {
  for (const c of resourcesContract(() => memoryResourceStore())) it(c.name, c.run);

  it("fails a store where a later claim overwrites the owner", async () => {
    expect(await failedCases(resourcesContract(() => overwritingStore()))).toEqual([
      "resources: a claim is read back, and a later claim by another key changes nothing",
      "resources: of 20 concurrent claims exactly one wins, and every caller is told the same owner",
    ]);
  });

  it("fails a store whose claim is not atomic", async () => {
    expect(await failedCases(resourcesContract(() => racyStore()))).toEqual([
      "resources: of 20 concurrent claims exactly one wins, and every caller is told the same owner",
    ]);
  });
});
