/** Stand-in for `fastly:config-store`, checked against @fastly/js-compute's declarations. */
import type * as Fastly from "fastly:config-store";
import { fastlyState } from "./state.js";

export class ConfigStore implements Fastly.ConfigStore {
  readonly #values: Map<string, string>;
  constructor(name: string) {
    const values = fastlyState.configStores.get(name);
    if (!values) throw new Error(`ConfigStore constructor: No ConfigStore named '${name}' exists`);
    this.#values = values;
  }
  get(key: string): string | null {
    if (key === "" || key.length > 255) throw new TypeError("ConfigStore key must be 1-255 characters");
    return this.#values.get(key) ?? null;
  }
}
