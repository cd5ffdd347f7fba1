/** Stand-in for `fastly:secret-store`, checked against @fastly/js-compute's declarations (`implements`). */
import type * as Fastly from "fastly:secret-store";
import { fastlyState } from "./state.js";

export class SecretStoreEntry implements Fastly.SecretStoreEntry {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  constructor(bytes: Uint8Array<ArrayBuffer>) {
    this.#bytes = bytes;
  }
  plaintext(): string {
    return new TextDecoder().decode(this.#bytes);
  }
  rawBytes(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice();
  }
}

export class SecretStore implements Fastly.SecretStore {
  readonly #values: Map<string, string>;
  constructor(name: string) {
    const values = fastlyState.secretStores.get(name);
    // Fastly throws when the service has no store of that name.
    if (!values) throw new Error(`SecretStore constructor: No SecretStore named '${name}' exists`);
    this.#values = values;
  }
  async get(key: string): Promise<SecretStoreEntry | null> {
    if (key === "" || key.length > 255) throw new TypeError("SecretStore key must be 1-255 characters");
    const value = this.#values.get(key);
    return value === undefined ? null : new SecretStoreEntry(new TextEncoder().encode(value));
  }
  static fromBytes(bytes: ArrayBufferView | ArrayBuffer): SecretStoreEntry {
    const view = ArrayBuffer.isView(bytes)
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
    return new SecretStoreEntry(view.slice());
  }
}
