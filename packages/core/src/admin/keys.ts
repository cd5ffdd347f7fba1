/**
 * `/_sluice/keys`: create (the key is in that answer and nowhere else, ever), list, read, update, revoke.
 * Revocation is immediate wherever the key store is strongly consistent: auth looks every key up per request.
 */
import { GatewayError } from "../failures.js";
import type { ClientKeyRecord, KeyStore } from "../ports/keys.js";
import { json } from "../respond.js";
import { createClientKey } from "../spend/keygen.js";
import { applyPatch, type KeyFields, parseKeyPatch, publicRecord } from "./fields.js";

const NO_STORE = { "cache-control": "no-store" };

type Managed = Required<Pick<KeyStore, "put" | "list" | "delete">> & KeyStore;

async function readJson(request: Request): Promise<unknown> {
  try {
    return JSON.parse(await request.text());
  } catch {
    throw new GatewayError("bad_request", "The request body is not valid JSON.");
  }
}

async function find(store: Managed, id: string): Promise<ClientKeyRecord> {
  const record = store.get ? await store.get(id) : ((await store.list()).find((r) => r.id === id) ?? null);
  if (!record) throw new GatewayError("not_found", `No key with id "${id}".`);
  return record;
}

export async function keysApi(request: Request, rest: string, keys: KeyStore | false): Promise<Response> {
  const manageable = keys ? !!(keys.put && keys.list && keys.delete) : false;
  if (!keys || !manageable) {
    throw new GatewayError(
      "not_found",
      "Key management is not available: the configured key store has no put/list/delete. Pass a managed KeyStore (memoryKeyStore() or your adapter's) as `keys`.",
    );
  }
  const store = keys as Managed;
  const method = request.method;
  if (rest === "") {
    if (method === "POST") {
      const patch = parseKeyPatch(await readJson(request));
      const fields = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null)) as KeyFields;
      const { key, record } = await createClientKey(fields);
      await store.put(record);
      return json({ key, record: publicRecord(record) }, 201, NO_STORE);
    }
    if (method === "GET") return json({ keys: (await store.list()).map(publicRecord) }, 200, NO_STORE);
    throw new GatewayError("method_not_allowed", `Use GET or POST for /_sluice/keys.`, {
      headers: { allow: "GET, POST" },
    });
  }
  let id: string;
  try {
    id = decodeURIComponent(rest.slice(1));
  } catch {
    throw new GatewayError("bad_request", "The key id in the path is not valid percent-encoding.");
  }
  if (!id || id.includes("/")) throw new GatewayError("not_found", `No admin route /_sluice/keys${rest}.`);
  if (method === "GET") return json(publicRecord(await find(store, id)), 200, NO_STORE);
  if (method === "PATCH") {
    const patch = parseKeyPatch(await readJson(request));
    const updated = applyPatch(await find(store, id), patch);
    await store.put(updated);
    return json(publicRecord(updated), 200, NO_STORE);
  }
  if (method === "DELETE") {
    await find(store, id);
    await store.delete(id);
    return json({ id, deleted: true }, 200, NO_STORE);
  }
  throw new GatewayError("method_not_allowed", `Use GET, PATCH or DELETE for /_sluice/keys/${id}.`, {
    headers: { allow: "GET, PATCH, DELETE" },
  });
}
