import type { ClientKeyRecord, KeyStore } from "@sluice/core";
import type { KeyStoreCommands } from "./commands.js";

export interface RedisKeyStoreOptions {
  /** Prepended to every key the store writes. Default "sluice:keys:". */
  prefix?: string;
  /**
   * Read each lookup inside a one-line script (`EVAL`) instead of a plain `HGETALL`. Upstash (or a client
   * reading from replicas) serves plain reads from any replica (replication is asynchronous), while a script
   * may write and so runs where writes run, on the primary: a revocation then holds from the next request
   * in every region, at the price of a round trip to the primary. Default false: the nearest replica answers.
   */
  primaryLookups?: boolean;
}

/** A managed key store: every optional `KeyStore` method is there. */
export type RedisKeyStore = KeyStore & Required<Pick<KeyStore, "put" | "get" | "list" | "delete">>;

// Every field value is JSON behind a marker that is never valid JSON itself: a client that parses replies
// that look like JSON (`@upstash/redis`) would otherwise turn a name like "123" into a number.
const MARK = "json:";

// Layout: `<prefix>hash:<sha256>` is a Redis hash per record (one field per record property), so a lookup
// is one HGETALL; `<prefix>ids` is a Redis hash id → sha256 for get, list and delete by id. Writes that
// touch both run as one Lua script, so a re-keyed or revoked record can never stay reachable by its old
// hash, whatever runs concurrently. Scripts build record keys from ARGV[2]; one Redis (or Upstash, one
// shard per database) allows that, a Redis Cluster needs every key in one hash slot: a `{tag}` prefix.

/** KEYS[1] index. ARGV: id, record-key prefix, hash, encoded id, then field/value pairs. */
const PUT = `
local old = redis.call("HGET", KEYS[1], ARGV[1])
if old and old ~= ARGV[3] then redis.call("DEL", ARGV[2] .. old) end
local target = ARGV[2] .. ARGV[3]
local owner = redis.call("HGET", target, "id")
if owner and owner ~= ARGV[4] then
  local other = cjson.decode(string.sub(owner, ${MARK.length + 1}))
  redis.call("HDEL", KEYS[1], other)
end
redis.call("DEL", target)
redis.call("HSET", target, unpack(ARGV, 5))
redis.call("HSET", KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/** KEYS[1] record key. The lookup as a script, so it runs on the primary (see `primaryLookups`). */
const LOOKUP = `return redis.call("HGETALL", KEYS[1])`;

/** KEYS[1] index. ARGV: id, record-key prefix. */
const DELETE = `
local hash = redis.call("HGET", KEYS[1], ARGV[1])
if hash then
  redis.call("DEL", ARGV[2] .. hash)
  redis.call("HDEL", KEYS[1], ARGV[1])
end
return 1
`;

/** KEYS[1] index. ARGV: record-key prefix, then ids (none: every record). Returns flat HGETALLs. */
const READ = `
local ids = {}
if #ARGV > 1 then
  for i = 2, #ARGV do ids[#ids + 1] = ARGV[i] end
else
  ids = redis.call("HKEYS", KEYS[1])
end
local out = {}
for _, id in ipairs(ids) do
  local hash = redis.call("HGET", KEYS[1], id)
  if hash then
    local fields = redis.call("HGETALL", ARGV[1] .. hash)
    if #fields > 0 then out[#out + 1] = fields end
  end
end
return out
`;

function encode(record: ClientKeyRecord): string[] {
  const pairs: string[] = [];
  for (const [field, value] of Object.entries(record)) {
    if (value !== undefined) pairs.push(field, MARK + JSON.stringify(value));
  }
  return pairs;
}

function decodeValue(field: string, value: unknown): unknown {
  if (typeof value !== "string" || !value.startsWith(MARK)) {
    throw new Error(`key store: field "${field}" is not one this store wrote`);
  }
  return JSON.parse(value.slice(MARK.length));
}

function fromObject(fields: Record<string, unknown> | null): ClientKeyRecord | null {
  if (!fields || Object.keys(fields).length === 0) return null;
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) record[field] = decodeValue(field, value);
  return record as unknown as ClientKeyRecord;
}

function fromFlat(flat: unknown): ClientKeyRecord | null {
  if (!Array.isArray(flat)) throw new Error(`key store: unexpected script reply ${JSON.stringify(flat)}`);
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = flat[i + 1];
  return fromObject(fields);
}

/**
 * Managed client keys on Redis, strongly consistent: a revoked, disabled or re-keyed key is refused
 * from the next request on. Only the key's SHA-256 is stored (the `ClientKeyRecord`, never the key).
 * `lookup(hash)`, the one call on the request path, is a single `HGETALL` (or one `EVAL` with
 * `primaryLookups`); put and delete are one atomic
 * script each; `put` replaces the whole record.
 *
 * @example
 * ```ts
 * // commands: a shim over your client, see RedisCommands
 * createGateway({ secrets, clients: { keys: redisKeyStore(commands) }, stores: { counters: redisRateLimitStore(commands) } });
 * ```
 */
export function redisKeyStore(
  redis: KeyStoreCommands,
  { prefix = "sluice:keys:", primaryLookups = false }: RedisKeyStoreOptions = {},
): RedisKeyStore {
  const index = `${prefix}ids`;
  const records = `${prefix}hash:`;
  const read = async (ids: string[]) => {
    const reply = await redis.eval(READ, [index], [records, ...ids]);
    if (!Array.isArray(reply)) throw new Error(`key store: unexpected script reply ${JSON.stringify(reply)}`);
    return reply.map(fromFlat).filter((r): r is ClientKeyRecord => r !== null);
  };
  return {
    async lookup(hash) {
      if (primaryLookups) return fromFlat(await redis.eval(LOOKUP, [records + hash], []));
      return fromObject(await redis.hgetall(records + hash));
    },
    async put(record) {
      const id = MARK + JSON.stringify(record.id);
      await redis.eval(PUT, [index], [record.id, records, record.hash, id, ...encode(record)]);
    },
    async get(id) {
      const [found] = await read([id]);
      return found && found.id === id ? found : null;
    },
    list: () => read([]),
    async delete(id) {
      await redis.eval(DELETE, [index], [id, records]);
    },
  };
}
