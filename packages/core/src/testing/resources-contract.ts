import type { ResourceStore } from "../ports/resources.js";
import { type ContractCase, check, equal, freshKey } from "./assert.js";

/** What every resource-ownership store must do: first claim wins, even among concurrent claims; reads see it. */
export function resourcesContract(make: () => ResourceStore | Promise<ResourceStore>): ContractCase[] {
  return [
    {
      name: "resources: an unknown resource has no owner",
      async run() {
        equal(await (await make()).owner(freshKey("anthropic:file")), null, "owner of an unknown resource");
      },
    },
    {
      name: "resources: a claim is read back, and a later claim by another key changes nothing",
      async run() {
        const store = await make();
        const resource = freshKey("openai:file");
        equal(await store.claim(resource, "key_a"), "key_a", "the first claim");
        equal(await store.owner(resource), "key_a", "owner after the claim");
        equal(await store.claim(resource, "key_b"), "key_a", "a second claim answers the first owner");
        equal(await store.owner(resource), "key_a", "owner after a second claim");
      },
    },
    {
      name: "resources: of 20 concurrent claims exactly one wins, and every caller is told the same owner",
      async run() {
        const store = await make();
        const resource = freshKey("anthropic:batch");
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.claim(resource, `key_${i}`)),
        );
        check(new Set(answers).size === 1, `claims disagree: ${[...new Set(answers)].join(", ")}`);
        equal(await store.owner(resource), answers[0], "owner matches what the claims were told");
      },
    },
    {
      name: "resources: forget removes the owner, and forgetting an unknown resource is fine",
      async run() {
        const store = await make();
        const resource = freshKey("anthropic:file");
        await store.claim(resource, "key_a");
        await store.forget(resource);
        equal(await store.owner(resource), null, "owner after forget");
        await store.forget(freshKey("never"));
      },
    },
  ];
}
