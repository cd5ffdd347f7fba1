import type { ResourceStore } from "../ports/resources.js";

/** Resource ownership in this process's memory: tests and single-process servers. */
export function memoryResourceStore(): ResourceStore {
  const owners = new Map<string, string>();
  return {
    async claim(resource, owner) {
      if (!owners.has(resource)) owners.set(resource, owner);
      return owners.get(resource)!;
    },
    async owner(resource) {
      return owners.get(resource) ?? null;
    },
    async forget(resource) {
      owners.delete(resource);
    },
  };
}
