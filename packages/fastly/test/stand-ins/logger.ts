/** Stand-in for `fastly:logger`: each endpoint's lines are kept in `fastlyState.logs`. */
import type * as Fastly from "fastly:logger";
import { fastlyState } from "./state.js";

export class Logger implements Fastly.Logger {
  readonly #endpoint: string;
  constructor(name: string) {
    this.#endpoint = name;
  }
  log(message: unknown): void {
    const lines = fastlyState.logs.get(this.#endpoint) ?? [];
    lines.push(String(message));
    fastlyState.logs.set(this.#endpoint, lines);
  }
}
