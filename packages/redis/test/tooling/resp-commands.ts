/**
 * `RedisCommands` over the bare RESP connection of the test tooling: the smallest possible client, which
 * shows the interface asks nothing a client does not have. Replies become strings, errors become throws.
 */
import type { RedisCommands } from "../../src/index.js";
import type { Reply, RespConnection } from "./resp.js";

function decode(reply: Reply): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString("utf8");
  if (Array.isArray(reply)) return reply.map(decode);
  if (reply !== null && typeof reply === "object") {
    if ("error" in reply) throw new Error(reply.error);
    return reply.status;
  }
  return reply;
}

export function respCommands(redis: RespConnection): RedisCommands {
  const call = async (...args: (string | number)[]) => decode((await redis.send([args.map(String)]))[0]!);
  return {
    eval: (script, keys, args) => call("EVAL", script, keys.length, ...keys, ...args),
    evalsha: (sha, keys, args) => call("EVALSHA", sha, keys.length, ...keys, ...args),
    get: (key) => call("GET", key),
    set: (key, value, ttl) => call("SET", key, value, "EX", ttl),
    del: (key) => call("DEL", key),
    async hgetall(key) {
      const flat = (await call("HGETALL", key)) as string[];
      return Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]]])));
    },
    smembers: async (key) => (await call("SMEMBERS", key)) as string[],
    async multi(commands) {
      const replies = await redis.send([["MULTI"], ...commands.map((c) => c.map(String)), ["EXEC"]]);
      return decode(replies[replies.length - 1]!);
    },
  };
}
