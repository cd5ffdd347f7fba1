/**
 * An Upstash-REST-compatible HTTP server in front of a real redis-server, for tests. It speaks the
 * protocol `@upstash/redis` uses (per Upstash's REST API docs):
 * - `POST /` with a JSON command array `["SET","k","v"]` → `{"result": …}`, or HTTP 400 `{"error": "…"}`;
 *   the path form `/set/k/v` works too;
 * - `POST /pipeline` with an array of command arrays → an array of `{result}` / `{error}` (not atomic);
 * - `POST /multi-exec` → the same, run inside MULTI/EXEC (atomic);
 * - `Authorization: Bearer <token>` (or `?_token=`), else HTTP 401;
 * - `Upstash-Encoding: base64`: every string in a result is base64 of its bytes, except the status "OK".
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Reply, RespConnection } from "../../../redis/test/tooling/resp.js";

export interface UpstashBridge {
  url: string;
  token: string;
  /** Every request body seen, for tests that check what went over the wire. */
  requests: { path: string; body: string }[];
  close(): Promise<void>;
}

type Item = { result: unknown } | { error: string };

function isError(reply: Reply): reply is { error: string } {
  return typeof reply === "object" && reply !== null && "error" in reply;
}

function toJson(reply: Reply, base64: boolean, top: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (Array.isArray(reply)) return reply.map((r) => (isError(r) ? r.error : toJson(r, base64, false)));
  if ("status" in reply) {
    return base64 && !(top && reply.status === "OK")
      ? Buffer.from(reply.status).toString("base64")
      : reply.status;
  }
  return reply.error;
}

const item = (reply: Reply, base64: boolean): Item =>
  isError(reply) ? { error: reply.error } : { result: toJson(reply, base64, true) };

function toArgs(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0) throw new Error("ERR a command is a non-empty array");
  return command.map((a) => (typeof a === "string" ? a : JSON.stringify(a)));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startUpstashBridge(
  redisPort: number,
  token = "test-upstash-token",
): Promise<UpstashBridge> {
  const redis = await RespConnection.open(redisPort);
  const requests: UpstashBridge["requests"] = [];

  async function answer(
    path: string,
    body: string,
    base64: boolean,
  ): Promise<{ status: number; json: unknown }> {
    if (path === "/pipeline" || path === "/multi-exec") {
      const commands = (JSON.parse(body) as unknown[]).map(toArgs);
      if (path === "/pipeline") {
        return { status: 200, json: (await redis.send(commands)).map((r) => item(r, base64)) };
      }
      const replies = await redis.send([["MULTI"], ...commands, ["EXEC"]]);
      const exec = replies[replies.length - 1]!;
      if (isError(exec)) return { status: 400, json: { error: exec.error } };
      if (!Array.isArray(exec)) return { status: 400, json: { error: "ERR transaction aborted" } };
      return { status: 200, json: exec.map((r) => item(r, base64)) };
    }
    let command: string[];
    if (path === "/" || path === "") command = toArgs(JSON.parse(body));
    else {
      command = path.split("/").filter(Boolean).map(decodeURIComponent);
      if (body) command.push(body);
    }
    const [reply] = await redis.send([command]);
    const result = item(reply!, base64);
    return { status: "error" in result ? 400 : 200, json: result };
  }

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://bridge");
    const auth = request.headers.authorization ?? "";
    const given = auth.startsWith("Bearer ") ? auth.slice(7) : url.searchParams.get("_token");
    const send = (status: number, json: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(json));
    };
    if (given !== token) return send(401, { error: "Unauthorized" });
    const body = await readBody(request);
    requests.push({ path: url.pathname, body });
    try {
      const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      const { status, json } = await answer(url.pathname, body, base64);
      send(status, json);
    } catch (error) {
      send(400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.close();
    },
  };
}
