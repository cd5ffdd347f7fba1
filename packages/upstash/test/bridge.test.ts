/** The bridge itself, driven by the real `@upstash/redis` client in Node: if it lied, every other test would. */
import { Redis } from "@upstash/redis";
import { describe, expect, inject, it } from "vitest";

const { url, token } = inject("upstash");
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });

describe("Upstash REST bridge over redis-server", () => {
  it("refuses a wrong token with 401", async () => {
    const response = await post("/", ["PING"], { authorization: "Bearer nope" });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Unauthorized" });
  });

  it("answers one command with {result} and a bad one with 400 {error}", async () => {
    expect(await (await post("/", ["SET", "bridge:a", "x y"])).json()).toEqual({ result: "OK" });
    expect(await (await post("/", ["GET", "bridge:a"])).json()).toEqual({ result: "x y" });
    const bad = await post("/", ["INCR", "bridge:a"]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/not an integer/);
  });

  it("base64-encodes strings, nested ones too, when asked", async () => {
    await post("/", ["RPUSH", "bridge:list", "ü", "two"]);
    const response = await post("/", ["LRANGE", "bridge:list", "0", "-1"], { "upstash-encoding": "base64" });
    expect(await response.json()).toEqual({
      result: [Buffer.from("ü").toString("base64"), Buffer.from("two").toString("base64")],
    });
  });

  it("runs /pipeline as an array of replies and /multi-exec atomically", async () => {
    const piped = await (
      await post("/pipeline", [["SET", "bridge:p", "1"], ["INCR", "bridge:p"], ["HGET"]])
    ).json();
    expect(piped[0]).toEqual({ result: "OK" });
    expect(piped[1]).toEqual({ result: 2 });
    expect(piped[2].error).toMatch(/wrong number of arguments/);
    const tx = await (
      await post("/multi-exec", [
        ["INCR", "bridge:p"],
        ["INCR", "bridge:p"],
      ])
    ).json();
    expect(tx).toEqual([{ result: 3 }, { result: 4 }]);
  });

  it("serves the real @upstash/redis client (auto-pipelining, base64 replies, scripts)", async () => {
    const redis = new Redis({ url, token, enableTelemetry: false });
    const bytesAsText =
      "b64:" + Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i)).toString("base64");
    const [set, got, n] = await Promise.all([
      redis.set("bridge:c", bytesAsText, { ex: 60 }),
      redis.get("bridge:c"),
      redis.incr("bridge:n"),
    ]);
    expect(set).toBe("OK");
    expect(got).toBe(bytesAsText);
    expect(n).toBe(1);
    expect(await redis.eval("return {1, ARGV[1], 'ü'}", [], ["two"])).toEqual([1, "two", "ü"]);
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
  });
});
