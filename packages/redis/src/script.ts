import type { ScriptCommands } from "./commands.js";

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A Lua script as a function: sent as `EVALSHA` (one round trip, no script body on the wire) and re-sent as
 * `EVAL` only when the server answers NOSCRIPT (after a restart, a failover or a `SCRIPT FLUSH`), which also
 * loads it for the next calls.
 */
export function luaScript(redis: ScriptCommands, script: string) {
  const sha = sha1Hex(script);
  return async (keys: string[], args: string[]): Promise<unknown> =>
    redis.evalsha(await sha, keys, args).catch((error: unknown) => {
      if (error instanceof Error && /noscript/i.test(error.message)) return redis.eval(script, keys, args);
      throw error;
    });
}
